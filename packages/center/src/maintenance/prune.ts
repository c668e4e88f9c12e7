/**
 * `center prune`: deletes parts no backup references once they are older
 * than the grace period (the caller's `olderThan`), so a transfer still in
 * flight never loses the parts it has sent, and blobs that have no row (an
 * upload killed between its blob and its row). Safe beside live centers:
 * each part goes in its own transaction that checks again, under a lock the
 * commit respects, that nothing references it (PartRepo.removeIfUnreferenced);
 * a part a center answered as present within the grace period stays.
 */
import { systemClock, type Clock } from '@phonesafe/protocol';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { BackupRepo } from '../backup/backup-repo.ts';
import type { PartRepo } from '../backup/part-repo.ts';
import { repackSparse, sweepPacks, type PackPruneStore } from './prune-packs.ts';
import { sweepByOwner } from './sweep.ts';
import type { MaintenanceProgress } from './verify.ts';

/** What prune reads and deletes of the store. */
export interface PruneStore {
  backups: Pick<BackupRepo, 'listStaleOpen' | 'remove'>;
  parts: Pick<PartRepo, 'listUnreferenced' | 'removeIfUnreferenced' | 'findStored' | 'find'> & PackPruneStore['parts'];
}

export interface PruneReport {
  /** Nothing was deleted: the counts say what a prune now would delete. */
  dryRun: boolean;
  droppedOpenBackups: number;
  removedParts: number;
  removedBytes: number;
  /** Blobs without a row (crash leftovers, superseded bytes), older than the grace period. */
  removedBlobs: number;
  /** Packs below half live whose live parts were copied into a new pack. */
  repackedPacks: number;
  /** Packs no part names any more (emptied by prune or repack, or crash leftovers), older than the grace period. */
  removedPacks: number;
}

export interface PruneOptions {
  /** By the center's clock: parts created and last used before this go. */
  olderThan: string;
  staleOpenBefore: string;
  /**
   * Blob files are judged by their write times, which come from the file
   * system's clock, not the center's: `clock` reads it (the system clock by
   * default), and a blob without a row goes once `graceMs` old (1 h), never
   * younger than 15 minutes: an upload records its row right after its blob,
   * so only a blob that old cannot be one whose row is on its way.
   */
  files?: { clock?: Clock; graceMs?: number };
  /** Only count what would go (`center prune --dry-run`). */
  dryRun?: boolean;
  /** One report per candidate part. */
  onProgress?: MaintenanceProgress;
}

/** An open backup untouched this long is a transfer that will not come back (wire-protocol.md, rule 5). */
export const STALE_OPEN_MS = 24 * 3600 * 1000;
const DEFAULT_GRACE_MS = 3600 * 1000;
const LEFTOVER_MIN_AGE_MS = 15 * 60 * 1000;
/** Blobs looked up per query during the sweep. */
const SWEEP_PAGE = 500;

export async function prune(store: PruneStore, blobs: BlobStore, options: PruneOptions): Promise<PruneReport> {
  const dryRun = options.dryRun ?? false;
  const report: PruneReport = {
    dryRun,
    droppedOpenBackups: 0,
    removedParts: 0,
    removedBytes: 0,
    removedBlobs: 0,
    repackedPacks: 0,
    removedPacks: 0,
  };
  const fileClock = options.files?.clock ?? systemClock;
  for (const backup of await store.backups.listStaleOpen(options.staleOpenBefore)) {
    if (dryRun || (await store.backups.remove(backup.ownerId, backup.id))) report.droppedOpenBackups += 1;
  }
  const candidates = await store.parts.listUnreferenced(options.olderThan);
  for (const [index, { ownerId, id }] of candidates.entries()) {
    options.onProgress?.({ phase: 'prune', done: index, total: candidates.length, unit: 'items' });
    const removed = dryRun
      ? await store.parts.find(ownerId, id)
      : await removePart(store, blobs, fileClock, ownerId, id, options.olderThan);
    if (!removed) continue;
    report.removedParts += 1;
    report.removedBytes += removed.size;
  }
  options.onProgress?.({ phase: 'prune', done: candidates.length, total: candidates.length, unit: 'items' });
  const graceMs = Math.max(options.files?.graceMs ?? DEFAULT_GRACE_MS, LEFTOVER_MIN_AGE_MS);
  const before = new Date(fileClock.now().getTime() - graceMs).toISOString();
  report.removedBlobs = await sweepLeftovers(store, blobs, before, dryRun);
  report.repackedPacks = await repackSparse(store, blobs, dryRun);
  report.removedPacks = await sweepPacks(store, blobs, before, dryRun);
  return report;
}

async function removePart(store: PruneStore, blobs: BlobStore, fileClock: Clock, ownerId: string, id: string, olderThan: string) {
  const mark = fileClock.now().toISOString();
  const removed = await store.parts.removeIfUnreferenced(ownerId, id, olderThan);
  if (!removed) return undefined;
  // A packed part's bytes go with its pack, once no row names it (sweepPacks).
  if (removed.packId !== null) return removed;
  // Row first, then blob: with the row gone, an upload of these same bytes
  // writes the blob anew, after `mark`, and that blob stays. A crash in
  // between leaves a blob without a row, which the sweep takes.
  await blobs.deleteIfOlder({ ownerId, id, sha256: removed.sha256 }, mark);
  await blobs.delete({ ownerId, id, sha256: null });
  return removed;
}

/**
 * Deletes blobs written before `before` that no row names: a hash-named blob
 * whose part has another hash or no row, a legacy blob whose part has no row.
 * `deleteIfOlder` keeps one an upload rewrote after it was listed.
 */
async function sweepLeftovers(store: PruneStore, blobs: BlobStore, before: string, dryRun: boolean): Promise<number> {
  return sweepByOwner(blobs.list(), before, SWEEP_PAGE, async (ownerId, entries) => {
    const rows = new Map(
      (
        await store.parts.findStored(
          ownerId,
          entries.map((e) => e.id),
        )
      ).map((row) => [row.id, row]),
    );
    let removed = 0;
    for (const entry of entries) {
      const row = rows.get(entry.id);
      const named = entry.sha256 === null ? row !== undefined : row?.sha256 === entry.sha256;
      if (!named && (dryRun || (await blobs.deleteIfOlder(entry, before)))) removed += 1;
    }
    return removed;
  });
}
