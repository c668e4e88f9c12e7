import { DATA_KINDS, type DataKind } from '@phonesafe/protocol';
import type { BackupResult } from '../backup/backup-types.ts';
import type { HandsetContext } from '../context.ts';
import type { Item } from '../memory/memory.ts';
import type { Session } from '../session.ts';
import { summaryOf } from './summary.ts';

/** The center's limit per parts/missing request is 100,000 ids; smaller batches keep answers quick. */
const STATUS_BATCH = 5_000;

/** What an offload touches (the write lock keeps a stub from being made while the item is saved), and how it backs up first. */
export type OffloadDeps = Pick<HandsetContext, 'clock' | 'writes' | 'memory' | 'versions'> & {
  session: Session;
  /** Backs up these kinds now (a committed backup, or an error). */
  backup: (kinds: DataKind[]) => Promise<BackupResult>;
};

export interface OffloadRequest {
  /** Kinds to offload; every kind when not given. */
  kinds?: DataKind[];
  /** Only items last modified at least this long ago (by the agent's clock); 0 (every item) when not given. */
  olderThanMs?: number;
  /** Reports each step as it is done (and lets a test fail between steps). */
  onStep?: (step: OffloadStep) => void | Promise<void>;
}

export type OffloadStep = { step: 'backed-up'; backupId: string } | { step: 'verified' | 'stubbed' | 'removed'; path: string };

export interface OffloadResult {
  /** Items now stubs, with the bytes freed. */
  items: Array<{ path: string; size: number }>;
  bytes: number;
  /** The backup run first, when some item's current version was not in a committed backup yet. */
  backupId?: string;
  /** Items left in place, and why (changed meanwhile, or the center lacks some of their parts). */
  kept: Array<{ path: string; reason: string }>;
}

/**
 * B9 memory extension: data not needed now moves to the center and only a
 * stub stays. Each item goes through four steps, and a failure at any point
 * leaves it either fully present or a stub whose content a committed backup
 * holds:
 *
 *   1. its current version is in a committed backup (one is run first if not);
 *   2. the center confirms it holds every part of that version;
 *   3. the row becomes a stub (offloaded, with a summary);
 *   4. the content file is deleted — last, so a failure before leaves the
 *      content in place; a stray file left by a failure after 3 is cleared
 *      by the next offload.
 *
 * Every later backup names the stub's version in its generation, whatever
 * its scope (backup/backup-scope.ts; its version record stays), so the
 * newest backup always references it and retention never drops the only
 * copy. Should the center lose it anyway, backups leave that stub out and
 * say so (BackupResult.lostStubs) rather than fail.
 */
export async function offloadItems(deps: OffloadDeps, request: OffloadRequest): Promise<OffloadResult> {
  const { memory, versions } = deps;
  for (const stub of memory.list().filter((item) => item.offloaded)) await memory.removeContent(stub.id);

  const kinds: readonly DataKind[] = request.kinds?.length ? request.kinds : DATA_KINDS;
  // Age counts from the item's modification time (the file's mtime when imported); no --older-than: any age,
  // including a file whose time is ahead of the handset's clock.
  const cutoff = request.olderThanMs === undefined ? Infinity : deps.clock.now().getTime() - request.olderThanMs;
  const candidates = memory
    .list()
    .filter((item) => !item.offloaded && kinds.includes(item.kind) && new Date(item.modifiedAt).getTime() <= cutoff);
  const result: OffloadResult = { items: [], bytes: 0, kept: [] };
  if (candidates.length === 0) return result;

  if (candidates.some((item) => !versions.get({ itemId: item.id, version: item.version })?.sent)) {
    const backup = await deps.backup([...kinds]);
    result.backupId = backup.backupId;
    await request.onStep?.({ step: 'backed-up', backupId: backup.backupId });
  }

  const missing = await missingAtCenter(deps, candidates);
  for (const candidate of candidates) {
    const entry = versions.get({ itemId: candidate.id, version: candidate.version });
    if (!entry?.sent) {
      result.kept.push({ path: candidate.path, reason: 'changed while the backup ran; not in a committed backup yet' });
      continue;
    }
    const lacking = entry.parts.filter((part) => missing.has(part.id)).length;
    if (lacking > 0) {
      result.kept.push({ path: candidate.path, reason: `the center lacks ${lacking} of its parts` });
      continue;
    }
    await request.onStep?.({ step: 'verified', path: candidate.path });
    const done = await deps.writes.run(() => stub(deps, candidate, request));
    if (done) {
      result.items.push({ path: candidate.path, size: candidate.size });
      result.bytes += candidate.size;
    } else {
      result.kept.push({ path: candidate.path, reason: 'changed while being offloaded' });
    }
  }
  return result;
}

/** Steps 3 and 4, for the version that was verified; false when the item changed meanwhile. */
async function stub(deps: OffloadDeps, verified: Item, request: OffloadRequest): Promise<boolean> {
  const current = deps.memory.byId(verified.id);
  if (!current || current.offloaded || current.version !== verified.version) return false;
  const summary = await summaryOf(current, deps.memory.contentPath(current.id));
  deps.memory.markOffloaded(current.id, summary);
  await request.onStep?.({ step: 'stubbed', path: current.path });
  await deps.memory.removeContent(current.id);
  await request.onStep?.({ step: 'removed', path: current.path });
  return true;
}

/** Parts of the candidates' current versions that the center says it lacks. */
async function missingAtCenter(deps: OffloadDeps, items: readonly Item[]): Promise<Set<string>> {
  const ids = [
    ...new Set(items.flatMap((item) => deps.versions.get({ itemId: item.id, version: item.version })?.parts.map((part) => part.id) ?? [])),
  ];
  const missing = new Set<string>();
  for (let start = 0; start < ids.length; start += STATUS_BATCH) {
    const status = await deps.session.client.partStatus(ids.slice(start, start + STATUS_BATCH));
    for (const id of status.missing) missing.add(id);
  }
  return missing;
}
