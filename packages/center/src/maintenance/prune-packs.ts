/**
 * Prune's share of the packs (storage-format.md, "Packs"). Repack: a pack
 * whose live parts (those rows still name) hold under half of its parts'
 * bytes has them copied into a new pack, then the rows moved in one
 * transaction (only rows that still name the old pack with the same hash).
 * Sweep: a pack no row names, written before `before`, is deleted; rows name
 * a pack only from the transaction that wrote them or a repack's move, so an
 * unnamed pack that old is a crash leftover or dead, never one on its way.
 */
import { createHash } from 'node:crypto';
import type { BlobStore } from '../blobs/blob-store.ts';
import { readPackIndex } from '../blobs/pack-format.ts';
import { sweepByOwner } from './sweep.ts';
import type { PartRepo } from '../backup/part-repo.ts';

export interface PackPruneStore {
  parts: Pick<PartRepo, 'listPacks' | 'listPackParts' | 'movePacked' | 'packsNamed'>;
}

/** Below this share of live bytes a pack is repacked. */
export const REPACK_BELOW = 0.5;
const PAGE_SIZE = 500;

/** Repacks every pack below REPACK_BELOW; answers how many it repacked (or, dry, would). */
export async function repackSparse(store: PackPruneStore, blobs: BlobStore, dryRun: boolean): Promise<number> {
  let repacked = 0;
  let after: { ownerId: string; packId: string } | null = null;
  for (;;) {
    const page = await store.parts.listPacks(after, PAGE_SIZE);
    for (const { ownerId, packId } of page) if (await repackOne(store, blobs, ownerId, packId, dryRun)) repacked += 1;
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) break;
    after = last;
  }
  return repacked;
}

async function repackOne(store: PackPruneStore, blobs: BlobStore, ownerId: string, packId: string, dryRun: boolean): Promise<boolean> {
  const reader = await blobs.openPack(ownerId, packId);
  if (!reader) return false;
  try {
    const index = await readPackIndex(reader);
    // A damaged index, or a pack gone: verify reports it; repack leaves it be.
    if (!index) return false;
    const live = await store.parts.listPackParts(ownerId, packId);
    const liveBytes = live.reduce((sum, part) => sum + part.size, 0);
    const allBytes = index.reduce((sum, part) => sum + part.size, 0);
    if (live.length === 0 || liveBytes >= REPACK_BELOW * allBytes) return false;
    if (dryRun) return true;
    // Only good bytes move; a damaged part stays where verify will find it. At most half a pack (4 MiB) is held here.
    const good: Array<{ id: string; sha256: string; bytes: Uint8Array }> = [];
    for (const part of live) {
      const bytes = await reader.read(part.pack!.offset, part.size);
      if (createHash('sha256').update(bytes).digest('hex') === part.sha256) good.push({ id: part.id, sha256: part.sha256, bytes });
    }
    if (good.length === 0) return false;
    const { packId: to, offsets } = await blobs.putPack(ownerId, good);
    const moved = await store.parts.movePacked(
      ownerId,
      packId,
      to,
      good.map((part, i) => ({ id: part.id, size: part.bytes.length, sha256: part.sha256, offset: offsets[i]! })),
    );
    // Rows pruned or repaired meanwhile: the new pack is named by none, and never will be.
    if (moved === 0) await blobs.deletePackIfOlder(ownerId, to, '9999-12-31T23:59:59.999Z');
    return moved > 0;
  } finally {
    await reader.close();
  }
}

/** Deletes packs no row names, written before `before`; answers how many (or, dry, would). */
export async function sweepPacks(store: PackPruneStore, blobs: BlobStore, before: string, dryRun: boolean): Promise<number> {
  return sweepByOwner(blobs.listPacks(), before, PAGE_SIZE, async (ownerId, entries) => {
    const named = await store.parts.packsNamed(
      ownerId,
      entries.map((e) => e.packId),
    );
    let removed = 0;
    for (const { packId } of entries) {
      if (!named.has(packId) && (dryRun || (await blobs.deletePackIfOlder(ownerId, packId, before)))) removed += 1;
    }
    return removed;
  });
}
