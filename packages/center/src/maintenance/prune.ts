/**
 * `center prune`: deletes parts no backup references once they are older
 * than the grace period (the caller's `olderThan`), so a transfer still in
 * flight never loses the parts it has sent.
 */
import type { BlobStore } from '../store/blob-store.ts';
import type { Store } from '../store/store.ts';

export interface PruneReport {
  removedParts: number;
  removedBytes: number;
}

export async function prune(store: Store, blobs: BlobStore, options: { olderThan: string }): Promise<PruneReport> {
  const report: PruneReport = { removedParts: 0, removedBytes: 0 };
  for (const { ownerId, id } of await store.parts.listUnreferenced(options.olderThan)) {
    const part = await store.parts.find(ownerId, id);
    // Blob first, then row: a crash in between leaves a row whose blob is
    // gone, which the next prune removes and verify reports, rather than an
    // orphan blob nothing would ever find again.
    await blobs.delete(ownerId, id);
    await store.parts.remove(ownerId, id);
    report.removedParts += 1;
    report.removedBytes += part?.size ?? 0;
  }
  return report;
}
