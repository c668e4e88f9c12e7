/**
 * Verify's walk of the packs (storage-format.md, "Packs"): every pack some
 * row names is opened once and its parts read in offset order, one part in
 * memory at a time, each handed to `judge` (undefined: the pack is gone).
 */
import { type BlobStore } from '../blobs/blob-store.ts';
import type { PartRepo, StoredPart } from '../backup/part-repo.ts';

/** Packs listed per page. */
const PAGE_SIZE = 500;

export async function verifyPacks(
  store: { parts: Pick<PartRepo, 'listPacks' | 'listPackParts'> },
  blobs: Pick<BlobStore, 'openPack'>,
  judge: (part: { ownerId: string } & StoredPart, bytes: Uint8Array | undefined) => Promise<void>,
): Promise<void> {
  let after: { ownerId: string; packId: string } | null = null;
  for (;;) {
    const page = await store.parts.listPacks(after, PAGE_SIZE);
    for (const { ownerId, packId } of page) {
      const parts = await store.parts.listPackParts(ownerId, packId);
      const reader = await blobs.openPack(ownerId, packId);
      try {
        for (const part of parts) await judge({ ownerId, ...part }, reader && (await reader.read(part.pack!.offset, part.size)));
      } finally {
        await reader?.close();
      }
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) break;
    after = last;
  }
}
