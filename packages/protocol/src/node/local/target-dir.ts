import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { PhoneSafeError } from '../../errors.ts';

/**
 * The segments of a path to write under a target directory. Paths come from
 * manifests (the center's storage) or the handset's memory, so they are
 * treated as hostile: only plain '/'-separated relative names are accepted;
 * absolute paths, '..', '.', empty segments, NUL and (on Windows) drive
 * letters or backslashes are VALIDATION_FAILED.
 */
export function targetSegments(path: string): string[] {
  const refuse = (why: string) => new PhoneSafeError('VALIDATION_FAILED', `unsafe path (${why}): ${JSON.stringify(path)}`);
  if (path.length === 0) throw refuse('empty');
  if (path.includes('\0')) throw refuse('NUL byte');
  if (path.startsWith('/') || isAbsolute(path)) throw refuse('absolute');
  if (process.platform === 'win32' && /[\\:]/.test(path)) throw refuse('backslash or drive letter');
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '..') throw refuse('parent directory');
    if (segment === '' || segment === '.') throw refuse('empty or "." segment');
  }
  return segments;
}

/** The temporary files every TargetDir is writing right now, for removeLiveTempFiles. */
const LIVE_TEMPS = new Set<string>();
const TEMP_NAME = /^\.phonesafe-[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temporary files of writes in progress, synchronously: for a
 * signal handler that ends the process (an interrupted download leaves no
 * temporary file). A write killed without warning leaves its file, which
 * the next `TargetDir.open` on that directory removes.
 */
export function removeLiveTempFiles(): void {
  for (const temp of LIVE_TEMPS) rmSync(temp, { force: true });
  LIVE_TEMPS.clear();
}

export interface WriteOptions {
  /** Modification time given to the file (set before it is renamed into place). */
  mtime?: Date;
  /** Permission bits of the new file; 0o600 unless given. */
  mode?: number;
}

/**
 * Writes files under a target directory without ever following a symbolic
 * link below it. The root is the user's choice and may itself be a link;
 * every component below it must be a real directory (made here when absent)
 * and every file is written to a temporary file beside it and renamed into
 * place, so an existing file is replaced, never written through. A link on
 * the way, or where a file goes, is refused with LOCAL_IO naming the path.
 *
 * `open` checks every path before anything is created, so a refused target
 * gets nothing at all; `write` checks each component again as it goes,
 * which narrows (Node has no openat) the window in which someone could swap
 * a directory for a link. Not atomic across files: a failure midway leaves
 * the files written so far, each complete.
 */
export class TargetDir {
  readonly root: string;
  /** Directories made or checked by this writer (relative, '/'-joined). */
  readonly #ready = new Set<string>(['']);

  private constructor(root: string) {
    this.root = root;
  }

  /** Checks every path (syntax, no link or non-directory on the way), then makes the root. */
  static async open(root: string, paths: readonly string[]): Promise<TargetDir> {
    const base = resolve(root);
    const all = paths.map((path) => ({ path, segments: targetSegments(path) }));
    const rootStat = await stat(base).catch(absentOr(base));
    if (rootStat && !rootStat.isDirectory()) throw new PhoneSafeError('LOCAL_IO', `${base} is not a directory`);
    if (rootStat) for (const { path, segments } of all) await checkExisting(base, path, segments);
    await io(base, () => mkdir(base, { recursive: true }));
    await removeLeftovers(
      base,
      all.map(({ segments }) => segments.slice(0, -1)),
    );
    return new TargetDir(base);
  }

  /** Writes `content` to ROOT/<path> (a path given to `open`), replacing a regular file there; answers the bytes written. */
  async write(path: string, content: AsyncIterable<Uint8Array>, options: WriteOptions = {}): Promise<number> {
    const segments = targetSegments(path);
    const parent = await this.#parentOf(path, segments);
    const temp = join(parent, `.phonesafe-${randomBytes(6).toString('hex')}.tmp`);
    let bytes = 0;
    LIVE_TEMPS.add(temp);
    try {
      const handle = await io(path, () => open(temp, 'wx', options.mode ?? 0o600));
      try {
        for await (const chunk of content) {
          await io(path, () => writeAll(handle, chunk));
          bytes += chunk.length;
        }
        if (options.mtime) await io(path, () => handle.utimes(options.mtime!, options.mtime!));
        await io(path, () => handle.sync());
      } finally {
        await handle.close();
      }
      const dest = join(parent, segments.at(-1)!);
      await refuseNonFile(dest, path);
      await io(path, () => rename(temp, dest));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    } finally {
      LIVE_TEMPS.delete(temp);
    }
    return bytes;
  }

  /** Makes (or checks) each directory on the way, one component at a time, refusing a link. */
  async #parentOf(path: string, segments: readonly string[]): Promise<string> {
    let rel = '';
    for (const segment of segments.slice(0, -1)) {
      rel = rel === '' ? segment : `${rel}/${segment}`;
      if (this.#ready.has(rel)) continue;
      const dir = join(this.root, ...rel.split('/'));
      await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw localIo(path, error);
      });
      const made = await lstat(dir).catch(absentOr(path));
      if (!made) throw new PhoneSafeError('LOCAL_IO', `${rel} vanished while ${path} was being written`, { path: rel });
      if (made.isSymbolicLink()) throw linkRefused(rel);
      if (!made.isDirectory())
        throw new PhoneSafeError('LOCAL_IO', `${rel} is in the way of ${path}: it is not a directory`, { path: rel });
      this.#ready.add(rel);
    }
    return join(this.root, ...segments.slice(0, -1));
  }
}

/**
 * Temporary files an interrupted write left in the directories about to be
 * written (the root and each file's parent that exists): only names this
 * class makes, `.phonesafe-<12 hex>.tmp`.
 */
async function removeLeftovers(root: string, parents: readonly string[][]): Promise<void> {
  const dirs = new Set(parents.map((segments) => join(root, ...segments)));
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) if (TEMP_NAME.test(name)) await rm(join(dir, name), { force: true });
  }
}

/** What already exists on the way to ROOT/<path> must be real directories, and the file a regular file. */
async function checkExisting(root: string, path: string, segments: readonly string[]): Promise<void> {
  let dir = root;
  for (const [index, segment] of segments.entries()) {
    const rel = segments.slice(0, index + 1).join('/');
    dir = join(dir, segment);
    const found = await lstat(dir).catch(absentOr(path));
    if (!found) return;
    if (found.isSymbolicLink()) throw linkRefused(rel);
    const last = index === segments.length - 1;
    if (!last && !found.isDirectory())
      throw new PhoneSafeError('LOCAL_IO', `${rel} is in the way of ${path}: it is not a directory`, { path: rel });
    if (last && !found.isFile()) throw new PhoneSafeError('LOCAL_IO', `${path} exists and is not a regular file`, { path });
  }
}

async function refuseNonFile(dest: string, path: string): Promise<void> {
  const found = await lstat(dest).catch(absentOr(path));
  if (found?.isSymbolicLink()) throw linkRefused(path);
  if (found && !found.isFile()) throw new PhoneSafeError('LOCAL_IO', `${path} exists and is not a regular file`, { path });
}

function linkRefused(rel: string): PhoneSafeError {
  return new PhoneSafeError('LOCAL_IO', `${rel} in the target is a symbolic link; refusing to write through it`, { path: rel });
}

/** For lstat/stat: undefined when absent, LOCAL_IO otherwise. */
function absentOr(what: string): (error: NodeJS.ErrnoException) => undefined {
  return (error) => {
    if (error.code === 'ENOENT') return undefined;
    throw localIo(what, error);
  };
}

function localIo(what: string, error: unknown): PhoneSafeError {
  if (error instanceof PhoneSafeError) return error;
  return new PhoneSafeError('LOCAL_IO', `${what}: ${(error as Error).message}`, { path: what }, { cause: error });
}

async function io<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw localIo(what, error);
  }
}

/** `write` may be short; loop until the chunk is on disk. */
async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.length;) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}
