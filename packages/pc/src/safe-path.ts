import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';

/**
 * Where a manifest path lands under `root`. Manifest paths come from the
 * center's storage, so they are treated as hostile: only plain '/'-separated
 * relative names are accepted; absolute paths, '..', '.', empty segments,
 * NUL and (on Windows) drive letters or backslashes are refused, and the
 * result is checked to stay inside `root` as a last guard.
 */
export function resolveInside(root: string, manifestPath: string): string {
  const refuse = (why: string) =>
    new PhoneSafeError('VALIDATION_FAILED', `unsafe path in the backup manifest (${why}): ${JSON.stringify(manifestPath)}`);
  if (manifestPath.length === 0) throw refuse('empty');
  if (manifestPath.includes('\0')) throw refuse('NUL byte');
  if (manifestPath.startsWith('/') || isAbsolute(manifestPath)) throw refuse('absolute');
  if (process.platform === 'win32' && /[\\:]/.test(manifestPath)) throw refuse('backslash or drive letter');
  for (const segment of manifestPath.split('/')) {
    if (segment === '..') throw refuse('parent directory');
    if (segment === '' || segment === '.') throw refuse('empty or "." segment');
  }
  const base = resolve(root);
  const target = resolve(base, ...manifestPath.split('/'));
  const rel = relative(base, target);
  if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) throw refuse('outside the output directory');
  return target;
}

/**
 * Checks, after the parent directory exists, that following symlinks already
 * present under `root` does not lead outside it.
 */
export async function assertParentInside(root: string, target: string): Promise<void> {
  const [realRoot, realParent] = await Promise.all([realpath(root), realpath(dirname(target))]);
  if (realParent !== realRoot && !realParent.startsWith(realRoot + sep)) {
    throw new PhoneSafeError('VALIDATION_FAILED', `${target}: a symbolic link under the output directory leads outside it (${realParent})`);
  }
}
