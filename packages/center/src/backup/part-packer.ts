/**
 * How the small new parts of one batch upload become stored parts
 * (storage-format.md, "Packs"): one pack, written once with one fsync, then
 * the rows of all its parts in one transaction, so no row ever names a pack
 * that is not whole, and a crash before the rows leaves a pack prune removes.
 * The rows are the arbiter, as for blob files (part-writer.ts): a part whose
 * row another upload inserted first is answered with that row's ref.
 */
import { PhoneSafeError, type Clock, type PartAck, type PartRef } from '@phonesafe/protocol';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { PartRepo } from './part-repo.ts';
import { refOf } from './part-writer.ts';

export interface PartPackerDeps {
  parts: Pick<PartRepo, 'findStored' | 'recordPacked'>;
  blobs: Pick<BlobStore, 'putPack' | 'deletePackIfOlder'>;
  clock: Clock;
}

/** Parts below this size (bytes) of a batch upload are packed; larger ones are blob files of their own. */
export const PACK_PART_LIMIT = 512 * 1024;

/**
 * Stores `batch` (checked parts of one owner that had no row when the caller
 * looked) in one pack and answers one ack per part, in order. Not retried:
 * a failure (STORAGE_FULL among them) leaves at most a pack no row names.
 */
export async function storePacked(
  deps: PartPackerDeps,
  ownerId: string,
  batch: ReadonlyArray<{ ref: PartRef; bytes: Uint8Array }>,
): Promise<PartAck[]> {
  if (batch.length === 0) return [];
  const { packId, offsets } = await deps.blobs.putPack(
    ownerId,
    batch.map(({ ref, bytes }) => ({ id: ref.id, sha256: ref.sha256, bytes })),
  );
  const refs = batch.map(({ ref }, i) => ({ ...refOf(ref), offset: offsets[i]! }));
  const inserted = await deps.parts.recordPacked(ownerId, packId, refs, deps.clock.now().toISOString());
  if (inserted.size === 0) {
    // No row names this pack and none ever will (rows name a pack only from the transaction that wrote it).
    await deps.blobs.deletePackIfOlder(ownerId, packId, '9999-12-31T23:59:59.999Z');
  }
  const lost = batch.filter(({ ref }) => !inserted.has(ref.id)).map(({ ref }) => ref.id);
  const winners = new Map((await deps.parts.findStored(ownerId, lost)).map((part) => [part.id, part]));
  return batch.map(({ ref }) => {
    if (inserted.has(ref.id)) return { ack: refOf(ref), stored: 'new' };
    const winner = winners.get(ref.id);
    // A row inserted by another upload cannot vanish before prune's grace period (the caller fenced it).
    if (!winner) throw new PhoneSafeError('INTERNAL', `part ${ref.id} was neither recorded nor found`);
    return { ack: refOf(winner), stored: 'existing' };
  });
}
