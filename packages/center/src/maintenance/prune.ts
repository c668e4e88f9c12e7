/**
 * `center prune`: deletes parts no backup references once they are older
 * than the grace period (the caller's `olderThan`), so a transfer still in
 * flight never loses the parts it has sent.
 */
import type { BlobStore } from '../store/blob-store.ts';
import type { Store } from '../store/store.ts';

export interface PruneReport {
  droppedOpenBackups: number;
  removedParts: number;
  removedBytes: number;
}

/** An open backup untouched this long is a transfer that will not come back (wire-protocol.md, rule 5). */
export const STALE_OPEN_MS = 24 * 3600 * 1000;

export async function prune(store: Store, blobs: BlobStore, options: { olderThan: string; staleOpenBefore: string }): Promise<PruneReport> {
  const report: PruneReport = { droppedOpenBackups: 0, removedParts: 0, removedBytes: 0 };
  for (const backup of await store.backups.listStaleOpen(options.staleOpenBefore)) {
    if (await store.backups.remove(backup.ownerId, backup.id)) report.droppedOpenBackups += 1;
  }
  for (const { ownerId, id } of await store.parts.listUnreferenced(options.olderThan)) {
    const part = await store.parts.find(ownerId, id);
    // Blob first, then row: a crash in between leaves a row whose blob is
    // gone, which the next prune removes and verify reports, rather than an
    // orphan blob nothing would ever find again.
    if (part) await blobs.delete({ ownerId, id, sha256: part.sha256 });
    await blobs.delete({ ownerId, id, sha256: null });
    await store.parts.remove(ownerId, id);
    report.removedParts += 1;
    report.removedBytes += part?.size ?? 0;
  }
  return report;
}
