/** The center's stored parts as files, for tests that damage one (DATA/blobs/<owner>/<xx>/<id>.<sha256>). */
import { strict as assert } from 'node:assert';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from './tree.ts';

/** The largest stored part (not a temporary file): the one a restore of the largest file needs. */
export async function largestBlob(blobs: string): Promise<string> {
  let best = { path: '', size: -1 };
  for (const file of await listFiles(blobs)) {
    if (file.includes(`${join(blobs, 'tmp')}/`)) continue;
    const { size } = await stat(file);
    if (size > best.size) best = { path: file, size };
  }
  assert.ok(best.path, 'the center stored blobs');
  return best.path;
}

/** Inverts the byte in the middle of the file, in place. */
export async function flipByte(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    const at = Math.floor(size / 2);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0xff;
    await handle.write(byte, 0, 1, at);
  } finally {
    await handle.close();
  }
}
