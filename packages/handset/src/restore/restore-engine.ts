import {
  filesUnderPaths,
  forEachConcurrent,
  PhoneSafeError,
  type DataKind,
  type ManifestFile,
  type OverwritePolicy,
  type PartRef,
  type RestoreOrder,
} from '@phonesafe/protocol';
import { backupSource, fileContent, filesOfKinds, handsetSource, partsInBatches } from '@phonesafe/protocol/node';
import type { HandsetContext } from '../context.ts';
import { safeSegments } from '../memory/tree.ts';
import type { Session } from '../session.ts';
import type { ProgressFn } from '../util/progress.ts';
import { countingBytes } from '../util/progress.ts';
import { selectForRestore, type AskOverwrite } from './overwrite.ts';
import type { RestoreResult } from './restore-types.ts';

/** What a restore touches: the context's tables and the write lock, and the session it fetches with. */
export type RestoreDeps = Pick<HandsetContext, 'clock' | 'writes' | 'memory' | 'versions' | 'index' | 'history'> & { session: Session };

/** Most handset items are one small part: fetching one file at a time would wait on a round trip per item. */
const FILES_IN_FLIGHT = 4;

/**
 * What to restore: one backup, or a handset's newest version of each item
 * across its backups (protocol handsetSource); a kind filter, the overwrite
 * policy; `order` when the owner already placed it. The handset's own
 * orders never ask for the backup to be deleted: only the owner may (the
 * center refuses it).
 */
export interface RestorePlan {
  from: { backupId: string } | { handset: string };
  kinds: DataKind[] | null;
  /** Only the files at or under these paths. */
  include?: readonly string[];
  overwrite: OverwritePolicy;
  order?: RestoreOrder;
}

/**
 * B6 on the handset: read the manifest(s), decide per file (asking before
 * overwriting), place the restore order (naming the one or newest backup),
 * stream each file into a temporary file and rename it into memory, then
 * send the completion notice.
 * A restored version is recorded as already sent, with the parts it came
 * from, so the next backup does not send it back.
 */
export async function runRestore(
  deps: RestoreDeps,
  plan: RestorePlan,
  ask?: AskOverwrite,
  onProgress?: ProgressFn,
): Promise<RestoreResult> {
  const { client, keys } = deps.session;
  const source =
    'backupId' in plan.from ? await backupSource(client, keys, plan.from.backupId) : await handsetSource(client, keys, plan.from.handset);
  const { backupId, refs } = source;
  const files = filesUnderPaths(filesOfKinds(source.files, plan.kinds), plan.include);
  for (const file of files) checkRestorable(file, refs);
  const selection = await selectForRestore(files, deps.memory, plan.overwrite, ask);
  const order =
    plan.order ?? (await client.startRestore({ backupId, ...(plan.kinds ? { kinds: plan.kinds } : {}), overwrite: plan.overwrite }));

  const total = selection.write.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  const report = (bytes: number) => {
    done += bytes;
    onProgress?.({ phase: 'restore', done, total, unit: 'bytes' });
  };
  const parts = partsInBatches(client, selection.write);
  await forEachConcurrent(selection.write, FILES_IN_FLIGHT, async (file) => {
    const staged = await deps.memory.stage(countingBytes(fileContent(parts, keys, file), report));
    await deps.writes.run(async () => {
      const item = await deps.memory.commit(file.path, staged, file.modifiedAt);
      // One transaction per file: a phone restores tens of thousands of one-part files.
      deps.index.batch(() => {
        deps.index.recordAllAtCenter(file.parts.map((part) => refs.get(part.id)!));
        deps.versions.record(
          item,
          file.parts.map((part) => ({ id: part.id, plainSize: part.size })),
          true,
        );
      });
    });
  });

  await client.completeRestore(order.restoreId, { restored: selection.write.length, skipped: selection.skipped.length });
  deps.history.add({
    at: deps.clock.now().toISOString(),
    event: 'restore',
    backupId,
    restoreId: order.restoreId,
    files: selection.write.length,
    bytes: total,
  });
  return {
    backupId,
    restoreId: order.restoreId,
    restored: selection.write.length,
    skipped: selection.skipped.length,
    skippedPaths: selection.skipped.map((file) => file.path),
    alreadyThere: selection.alreadyThere.length,
  };
}

/** Refuses, before anything is written, a file whose path could leave the memory or whose parts its backup does not list. */
function checkRestorable(file: ManifestFile, refs: ReadonlyMap<string, PartRef>): void {
  safeSegments(file.path);
  const unlisted = file.parts.find((part) => !refs.has(part.id));
  if (unlisted) throw new PhoneSafeError('PART_MISSING', `${file.path}: part ${unlisted.id} is not listed in the backup`);
}
