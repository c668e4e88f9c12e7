import { readFile } from 'node:fs/promises';
import { DATA_KINDS, type DataKind, type MailBundleIndex, type OverwritePolicy } from '@phonesafe/protocol';
import { decodeBundle, encodeBundle } from '@phonesafe/protocol/node';
import type { SaveItem } from '../memory/import-export.ts';
import type { Memory } from '../memory/memory.ts';
import type { AskOverwrite } from '../restore/overwrite.ts';

/** The memory (of `kinds`, or all) as one bundle; offloaded stubs have no content here and are left out. */
export async function backupBundle(
  memory: Memory,
  kinds: readonly DataKind[] | undefined,
  now: Date,
  maxBundle: number,
): Promise<{ bundle: Buffer; files: number; bytes: number } | { tooLarge: number }> {
  const items = memory.list().filter((item) => !item.offloaded && (!kinds || kinds.includes(item.kind)));
  const bytes = items.reduce((sum, item) => sum + item.size, 0);
  if (bytes > maxBundle) return { tooLarge: bytes };
  const contents = [];
  for (const item of items) contents.push(await readFile(memory.contentPath(item.id)));
  const index: MailBundleIndex = {
    format: 'phonesafe-mail-bundle',
    version: 1,
    createdAt: now.toISOString(),
    kinds: kinds ? [...kinds] : [...DATA_KINDS],
    files: items.map((item) => ({ path: item.path, kind: item.kind, size: item.size, sha256: item.sha256, modifiedAt: item.modifiedAt })),
  };
  return { bundle: encodeBundle(index, contents), files: items.length, bytes };
}

export interface MailRestoreOutcome {
  status: 'ok' | 'needs-decision';
  restored: number;
  skipped: number;
  alreadyThere: number;
  conflicts: string[];
}

/**
 * Applies a restore bundle as B6 does: a file held with the same content is
 * already there; one held with other content is overwritten only as the
 * policy (or the owner, asked per file) says. With 'ask' and no way to ask,
 * nothing at all is written and the conflicting paths are answered.
 */
export async function applyRestoreBundle(
  memory: Memory,
  save: SaveItem,
  bundle: Buffer,
  policy: OverwritePolicy,
  ask?: AskOverwrite,
): Promise<MailRestoreOutcome> {
  const { files } = decodeBundle(bundle);
  const write = [];
  const conflicts = [];
  let alreadyThere = 0;
  for (const file of files) {
    const held = memory.byPath(file.meta.path);
    if (!held) write.push(file);
    else if (held.sha256 === file.meta.sha256 && !held.offloaded) alreadyThere++;
    else conflicts.push(file);
  }
  if (policy === 'ask' && !ask && conflicts.length > 0) {
    return { status: 'needs-decision', restored: 0, skipped: 0, alreadyThere, conflicts: conflicts.map((f) => f.meta.path) };
  }
  let standing: 'all' | 'none' | undefined = policy === 'yes' ? 'all' : policy === 'no' ? 'none' : undefined;
  let skipped = 0;
  for (const file of conflicts) {
    const answer = standing ?? (await ask!(file.meta.path));
    if (answer === 'all' || answer === 'none') standing = answer;
    if (answer === 'yes' || answer === 'all') write.push(file);
    else skipped++;
  }
  for (const file of write) {
    const staged = await memory.stage(
      (async function* () {
        yield file.bytes;
      })(),
    );
    await save(file.meta.path, staged);
  }
  return { status: 'ok', restored: write.length, skipped, alreadyThere, conflicts: [] };
}
