/** The center's stored parts as files, for tests that damage one (DATA/blobs/<owner>/<xx>/<id>.<sha256>, packs DATA/blobs/packs/<owner>/<xx>/<pack>.pack). */
import { strict as assert } from 'node:assert';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from './tree.ts';

/** The largest stored part file (not a temporary file, not a pack): the one a restore of the largest file needs. */
export async function largestBlob(blobs: string): Promise<string> {
  let best = { path: '', size: -1 };
  for (const file of await listFiles(blobs)) {
    if (file.includes(`${join(blobs, 'tmp')}/`) || file.includes(`${join(blobs, 'packs')}/`)) continue;
    const { size } = await stat(file);
    if (size > best.size) best = { path: file, size };
  }
  assert.ok(best.path, 'the center stored blobs');
  return best.path;
}

/** The file of a pack, as the center names it (storage-format.md, "Packs"). */
export function packFile(blobs: string, ownerId: string, packId: string): string {
  return join(blobs, 'packs', ownerId, packId.slice(0, 2), `${packId}.pack`);
}

/** Inverts the byte at `offset` (by default the middle of the file), in place. */
export async function flipByte(file: string, offset?: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    const at = offset ?? Math.floor(size / 2);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0xff;
    await handle.write(byte, 0, 1, at);
  } finally {
    await handle.close();
  }
}
