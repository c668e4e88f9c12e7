/**
 * The bytes of a pack (storage-format.md, "Packs"), whatever adapter keeps
 * it: magic, the parts' sealed bytes back to back, a JSON index of them,
 * the index's length (u32 big-endian), its SHA-256, end magic. The index is
 * hash-authenticated, not sealed: it says only what the part rows say.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { PackedPart, PackReader } from './blob-store.ts';

export const PACK_MAGIC = Buffer.from('PSPACK1\n', 'ascii');
export const PACK_END_MAGIC = Buffer.from('PSPKEND1', 'ascii');
/** Length, hash and end magic after the index. */
const TRAILER = 4 + 32 + 8;
const PackIndex = z.array(z.strictObject({ id: z.string(), offset: z.number().int(), size: z.number().int(), sha256: z.string() }));
export type PackIndex = z.infer<typeof PackIndex>;

/** The pack's bytes as buffers to write in one go, and each part's offset. */
export function packLayout(parts: readonly PackedPart[]): { buffers: Uint8Array[]; offsets: number[] } {
  const offsets: number[] = [];
  let at = PACK_MAGIC.length;
  for (const part of parts) {
    offsets.push(at);
    at += part.bytes.length;
  }
  const index = Buffer.from(
    JSON.stringify(parts.map((part, i) => ({ id: part.id, offset: offsets[i], size: part.bytes.length, sha256: part.sha256 }))),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(index.length);
  const digest = createHash('sha256').update(index).digest();
  return { buffers: [PACK_MAGIC, ...parts.map((p) => p.bytes), index, length, digest, PACK_END_MAGIC], offsets };
}

/** The pack's trailing index, if its end magic and hash check. */
export async function readPackIndex(reader: PackReader): Promise<PackIndex | undefined> {
  if (reader.size < TRAILER) return undefined;
  const trailer = Buffer.from(await reader.read(reader.size - TRAILER, TRAILER));
  if (!trailer.subarray(36).equals(PACK_END_MAGIC)) return undefined;
  const length = trailer.readUInt32BE(0);
  if (length > reader.size - TRAILER) return undefined;
  const index = await reader.read(reader.size - TRAILER - length, length);
  if (!createHash('sha256').update(index).digest().equals(trailer.subarray(4, 36))) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(index).toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = PackIndex.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
