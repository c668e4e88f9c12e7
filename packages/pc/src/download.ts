import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, utimes, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileContent, forEachConcurrent, partsInBatches, PhoneSafeError, readManifest, selectFiles, type DataKind, type ManifestFile } from '@phonesafe/protocol';
import type { ProgressFn } from './progress.ts';
import { assertParentInside, resolveInside } from './safe-path.ts';
import type { PcSession } from './session.ts';

/** Most files are one small part: one at a time, a download would wait a round trip per file. */
const FILES_IN_FLIGHT = 4;

export interface DownloadOptions {
  backupId: string;
  /** Directory the files are written under, at their manifest paths. */
  out: string;
  kinds?: readonly DataKind[];
  onProgress?: ProgressFn;
}

export interface DownloadResult {
  backupId: string;
  out: string;
  files: number;
  bytes: number;
}

/** B6 with the pc as destination: the chosen files of one backup, decrypted, under `out`. */
export async function download(session: PcSession, options: DownloadOptions): Promise<DownloadResult> {
  const { client, keys } = session.owner;
  const detail = await client.getBackup(options.backupId);
  const manifest = await readManifest(client, keys, detail.manifest);
  const files = selectFiles(manifest, options.kinds);
  const parts = partsInBatches(client, files);
  const written = await writeFiles(options.out, files, (file) => fileContent(parts, keys, file), options.onProgress);
  return { backupId: options.backupId, out: options.out, ...written };
}

export type FileToWrite = Pick<ManifestFile, 'path' | 'size' | 'modifiedAt'>;

/**
 * Writes each file to OUT/<path> through a temporary file in the same
 * directory, renamed into place only once its content has passed the
 * checksum, so a damaged part never leaves a wrong file behind. Every path
 * is checked before anything is written.
 */
export async function writeFiles<F extends FileToWrite>(
  out: string,
  files: readonly F[],
  contentOf: (file: F) => AsyncIterable<Uint8Array>,
  onProgress?: ProgressFn,
): Promise<{ files: number; bytes: number }> {
  const plan = files.map((file) => ({ file, dest: resolveInside(out, file.path) }));
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  onProgress?.({ phase: 'download', done, total, unit: 'bytes' });
  await localIo(out, () => mkdir(out, { recursive: true }));
  await forEachConcurrent(plan, FILES_IN_FLIGHT, async ({ file, dest }) => {
    await localIo(file.path, () => mkdir(dirname(dest), { recursive: true }));
    await assertParentInside(out, dest);
    const temp = join(dirname(dest), `.phonesafe-${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await localIo(file.path, () => open(temp, 'wx', 0o600));
      try {
        for await (const chunk of contentOf(file)) {
          await localIo(file.path, () => writeAll(handle, chunk));
          done += chunk.length;
          onProgress?.({ phase: 'download', done, total, unit: 'bytes' });
        }
        await localIo(file.path, () => handle.sync());
      } finally {
        await handle.close();
      }
      await localIo(file.path, () => rename(temp, dest));
    } catch (error) {
      await rm(temp, { force: true });
      throw withPath(file.path, error);
    }
    const mtime = new Date(file.modifiedAt);
    await localIo(file.path, () => utimes(dest, mtime, mtime));
  });
  return { files: plan.length, bytes: done };
}

/** `write` may be short; loop until the chunk is on disk. */
async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

async function localIo<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PhoneSafeError) throw error;
    throw new PhoneSafeError('LOCAL_IO', `${what}: ${(error as Error).message}`, {}, { cause: error });
  }
}

/** Names the file in errors that come from the center or decryption, which know only part ids. */
function withPath(path: string, error: unknown): unknown {
  if (!(error instanceof PhoneSafeError) || error.detail.includes(path)) return error;
  return new PhoneSafeError(error.code, `${path}: ${error.detail}`, { ...error.extra, path }, { cause: error });
}
