import { PhoneSafeError } from './errors.ts';
import type { DataKind } from './kinds.ts';
import type { Manifest, ManifestFile } from './schemas/manifest.ts';

/** One committed backup of a handset, with its opened manifest. */
export interface Generation {
  backupId: string;
  committedAt: string;
  manifest: Manifest;
}

/** A file to restore and the backup whose manifest named it. */
export interface ComposedFile {
  file: ManifestFile;
  backupId: string;
}

/**
 * What "restore that handset" means when no backup is named: the newest
 * version of each item across its backups, as backups of different scopes
 * (all kinds, contacts only, a target filter's picks) each hold only some.
 * For each kind, the newest backup that covers it completely (its manifest's
 * `complete`) decides which items of the kind exist, so one absent there was
 * deleted; backups newer than it that hold only some items of the kind add
 * or update theirs. Where no backup covers a kind completely (manifests
 * written before `complete`), every item seen in any backup counts, which
 * can only restore more, never less. Per path the highest version wins; a
 * path that another item holds in a newer backup is that newer item. Pure;
 * the answer is in path order.
 */
export function composeGenerations(generations: readonly Generation[]): ComposedFile[] {
  const newestFirst = [...generations].sort(
    (a, b) => Date.parse(b.committedAt) - Date.parse(a.committedAt) || (a.backupId < b.backupId ? 1 : a.backupId > b.backupId ? -1 : 0),
  );
  const decidedBy = new Map<DataKind, number>();
  newestFirst.forEach((generation, index) => {
    for (const kind of generation.manifest.complete ?? []) if (!decidedBy.has(kind)) decidedBy.set(kind, index);
  });
  const chosen = new Map<string, ComposedFile>();
  newestFirst.forEach((generation, index) => {
    for (const file of generation.manifest.files) {
      const decider = decidedBy.get(file.kind);
      if (decider !== undefined && index > decider) continue;
      const held = chosen.get(file.path);
      // Newest first: what is held came from a newer (or the same) backup.
      if (held && (held.file.itemId !== file.itemId || held.file.version >= file.version)) continue;
      chosen.set(file.path, { file, backupId: generation.backupId });
    }
  });
  return [...chosen.values()].sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
}

/**
 * The files at or under any of `include` (paths as the manifest names them;
 * a file's own path picks that one file), all files when none is given. A
 * path that picks nothing is a NOT_FOUND naming it: a typo must not look like
 * a restore that had nothing to do.
 */
export function filesUnderPaths<F extends { path: string }>(files: readonly F[], include?: readonly string[] | null): F[] {
  if (!include || include.length === 0) return [...files];
  const wanted = include.map((path) => path.replace(/^\/+|\/+$/g, ''));
  const under = (file: F, path: string) => path === '' || file.path === path || file.path.startsWith(`${path}/`);
  const missing = wanted.find((path) => !files.some((file) => under(file, path)));
  if (missing !== undefined) throw new PhoneSafeError('NOT_FOUND', `no file at or under ${missing} in the backup (--include)`);
  return files.filter((file) => wanted.some((path) => under(file, path)));
}
