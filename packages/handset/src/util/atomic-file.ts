import { createHash, randomUUID } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Temp-then-rename writes, so a reader (or a crash) never sees half a file.
 * No fsync: the handset is a virtual device whose "power loss" is a killed
 * process, and the rename already makes that safe; fsyncing every part would
 * cost the 1 GiB import most of its speed.
 */
const TEMP_PREFIX = '.tmp-';
/** Every file in the handset's data directory: memory, backup area, identity, key (layout.ts). */
export const PRIVATE_FILE_MODE = 0o600;

export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

export function tempPathIn(dir: string): string {
  return join(dir, `${TEMP_PREFIX}${randomUUID()}`);
}

export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = PRIVATE_FILE_MODE): Promise<void> {
  const temp = tempPathIn(dirname(path));
  try {
    await writeFile(temp, data, { mode });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** A finished temporary file with what was learnt while writing it. */
export interface StagedFile {
  path: string;
  sha256: string;
  size: number;
}

/**
 * Streams `source` into a new temporary file in `dir`, hashing as it goes.
 * Each piece is hashed and written before the next is pulled, so sources may
 * hand out views of one reused buffer.
 */
export async function stageStream(dir: string, source: AsyncIterable<Uint8Array>): Promise<StagedFile> {
  const path = tempPathIn(dir);
  const hash = createHash('sha256');
  let size = 0;
  const file = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    for await (const piece of source) {
      hash.update(piece);
      size += piece.length;
      for (let written = 0; written < piece.length;) written += (await file.write(piece, written)).bytesWritten;
    }
  } catch (error) {
    await file.close();
    await rm(path, { force: true });
    throw error;
  }
  await file.close();
  return { path, sha256: hash.digest('hex'), size };
}
