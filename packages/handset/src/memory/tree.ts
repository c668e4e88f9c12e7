import { createHash } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';

const READ_PIECE_BYTES = 1024 * 1024;

export interface TreeFile {
  absolute: string;
  /** '/'-separated path relative to the tree's root. */
  relative: string;
}

/**
 * Regular files under `root`, depth first, names sorted by code unit so the
 * order does not depend on the file system. Symbolic links are skipped: a
 * link could lead out of the tree or loop.
 */
export async function* walkFiles(root: string, prefix = ''): AsyncGenerator<TreeFile> {
  const entries = await readdir(root, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const absolute = join(root, entry.name);
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) yield* walkFiles(absolute, relative);
    else if (entry.isFile()) yield { absolute, relative };
  }
}

/**
 * A file's bytes through one reusable buffer, so reading a large file makes
 * no garbage. Each piece is a view valid only until the next is asked for:
 * consumers hash or write it before pulling again (stageStream does). The
 * buffer is sized to the file (at most 1 MiB): a phone holds tens of
 * thousands of mails of a few KiB, and a 1 MiB buffer for each made the
 * import spend a fifth of its time in the garbage collector.
 */
export async function* readPieces(path: string): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(READ_PIECE_BYTES, size + 1)));
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of readPieces(path)) hash.update(piece);
  return hash.digest('hex');
}

/**
 * The path's segments, refusing anything that could leave the destination
 * folder (a restored manifest names paths; they must stay under OUT).
 */
export function safeSegments(relative: string): string[] {
  const segments = relative.split('/');
  const bad = segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'));
  if (bad) throw new PhoneSafeError('LOCAL_IO', `refusing unsafe item path ${JSON.stringify(relative)}`);
  return segments;
}
