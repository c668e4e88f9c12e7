import { filesUnderPaths, forEachConcurrent, PhoneSafeError, type DataKind, type ManifestFile } from '@phonesafe/protocol';
import { fileContent, partsInBatches, readManifest, selectFiles, TargetDir } from '@phonesafe/protocol/node';
import type { ProgressFn } from './progress.ts';
import { resolveInside } from './safe-path.ts';
import type { PcSession } from './session.ts';

/** Most files are one small part: one at a time, a download would wait a round trip per file. */
const FILES_IN_FLIGHT = 4;

export interface DownloadOptions {
  backupId: string;
  /** Directory the files are written under, at their manifest paths. */
  out: string;
  kinds?: readonly DataKind[];
  /** Only the files at or under these paths (a file's path: that one file). */
  include?: readonly string[];
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
  const files = filesUnderPaths(selectFiles(manifest, options.kinds), options.include);
  const parts = partsInBatches(client, files);
  const written = await writeFiles(options.out, files, (file) => fileContent(parts, keys, file), options.onProgress);
  return { backupId: options.backupId, out: options.out, ...written };
}

export type FileToWrite = Pick<ManifestFile, 'path' | 'size' | 'modifiedAt'>;

/**
 * Writes each file to OUT/<path> through TargetDir: every path is checked
 * (syntax, and no symbolic link already under OUT on the way) before any
 * directory or file is made, and each file goes to a temporary file renamed
 * into place only once its content has passed the checksum, so a damaged
 * part never leaves a wrong file behind.
 */
export async function writeFiles<F extends FileToWrite>(
  out: string,
  files: readonly F[],
  contentOf: (file: F) => AsyncIterable<Uint8Array>,
  onProgress?: ProgressFn,
): Promise<{ files: number; bytes: number }> {
  for (const file of files) resolveInside(out, file.path);
  const target = await TargetDir.open(
    out,
    files.map((file) => file.path),
  );
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  onProgress?.({ phase: 'download', done, total, unit: 'bytes' });
  await forEachConcurrent(files, FILES_IN_FLIGHT, async (file) => {
    const counted = async function* () {
      for await (const chunk of contentOf(file)) {
        yield chunk;
        done += chunk.length;
        onProgress?.({ phase: 'download', done, total, unit: 'bytes' });
      }
    };
    try {
      await target.write(file.path, counted(), { mtime: new Date(file.modifiedAt) });
    } catch (error) {
      throw withPath(file.path, error);
    }
  });
  return { files: files.length, bytes: done };
}

/** Names the file in errors that come from the center or decryption, which know only part ids. */
function withPath(path: string, error: unknown): unknown {
  if (!(error instanceof PhoneSafeError) || error.detail.includes(path)) return error;
  return new PhoneSafeError(error.code, `${path}: ${error.detail}`, { ...error.extra, path }, { cause: error });
}
