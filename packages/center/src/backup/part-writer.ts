/**
 * How an upload becomes a stored part (storage-format.md): blob first, then
 * row, so a row never names a blob that is not there. The blob's name carries
 * its hash, so uploads of one id with other bytes (another handset, another
 * center) never touch each other's blob, and each upload deletes its own blob
 * when another's row wins. Safe across processes: the row is the arbiter,
 * through an insert-or-conflict for a new part and a conditional update for
 * the repair of a damaged one.
 */
import { PhoneSafeError, type Clock, type PartAck, type PartRef } from '@phonesafe/protocol';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { PartRepo, StoredPart } from './part-repo.ts';

export interface PartWriterDeps {
  parts: Pick<PartRepo, 'find' | 'record' | 'repair'>;
  blobs: BlobStore;
  clock: Clock;
}

/** Rounds of "look at the row, write, try to win it" before giving up; each lost round means the row changed. */
const ROUNDS = 3;

/**
 * The stored ref of a recorded, intact id (whatever its bytes; 'existing'),
 * else stores `bytes` and records them ('new'). A damaged row is repaired with
 * these bytes: the row takes their size and hash, the mark goes, the bytes it
 * named are deleted. Callers serialise uploads of one id within a process.
 */
export async function writePart(deps: PartWriterDeps, ownerId: string, ref: PartRef, bytes: Uint8Array): Promise<PartAck> {
  const key = { ownerId, id: ref.id, sha256: ref.sha256 };
  for (let round = 0; round < ROUNDS; round++) {
    const known = await deps.parts.find(ownerId, ref.id);
    if (known && !known.damaged) return { ack: refOf(known), stored: 'existing' };
    await deps.blobs.put(key, bytes);
    if (known ? await repaired(deps, ownerId, known, ref) : await recorded(deps, ownerId, ref)) return { ack: ref, stored: 'new' };
    const now = await deps.parts.find(ownerId, ref.id);
    // Another upload won the row. Our blob stays only if it is the one the row names.
    if (now?.sha256 !== ref.sha256) await deps.blobs.delete(key);
    else if (!now.damaged) return { ack: refOf(now), stored: 'existing' };
  }
  throw new PhoneSafeError('INTERNAL', `part ${ref.id} kept changing while it was stored`);
}

async function recorded(deps: PartWriterDeps, ownerId: string, ref: PartRef): Promise<boolean> {
  try {
    return (await deps.parts.record(ownerId, ref, deps.clock.now().toISOString())) === 'new';
  } catch (error) {
    if (error instanceof PhoneSafeError && error.code === 'PART_CONFLICT') return false;
    throw error;
  }
}

async function repaired(deps: PartWriterDeps, ownerId: string, known: StoredPart, ref: PartRef): Promise<boolean> {
  if (!(await deps.parts.repair(ownerId, known.sha256, ref, deps.clock.now().toISOString()))) return false;
  // The damaged bytes: a blob of the old hash, or a legacy blob the row used to fall back on.
  if (known.sha256 !== ref.sha256) await deps.blobs.delete({ ownerId, id: ref.id, sha256: known.sha256 });
  await deps.blobs.delete({ ownerId, id: ref.id, sha256: null });
  return true;
}

export function refOf(part: PartRef): PartRef {
  return { id: part.id, size: part.size, sha256: part.sha256 };
}
