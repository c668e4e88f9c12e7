/**
 * What a restic user reaches for, on the owner's backups: one backup's files
 * (`ls`), files across backups (`find`), what changed between two (`diff`)
 * and what it all costs (`stats`). Names live only in the sealed manifests,
 * so all of it is worked out here, after decryption with the owner's key:
 * the center sees no names.
 */
import { matchesGlob } from 'node:path';
import { BackupSummary, ForgetResponse, PhoneSafeError, type ForgetRequest, type QuotaView } from '@phonesafe/protocol';
import type { BackupFile, BackupListing } from './backups.ts';
import type { PcSession } from './session.ts';

/**
 * The backup `ref` names: its id, a prefix of one id only, or `latest`
 * (the newest backup). Unknown or ambiguous is NOT_FOUND / USAGE.
 */
export function pickBackup(listings: readonly BackupListing[], ref: string, flag = 'BACKUP'): BackupListing {
  if (ref === 'latest') {
    const newest = listings[0];
    if (!newest) throw new PhoneSafeError('NOT_FOUND', 'there is no backup yet');
    return newest;
  }
  const exact = listings.find((b) => b.backupId === ref);
  if (exact) return exact;
  const matches = listings.filter((b) => b.backupId.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new PhoneSafeError('NOT_FOUND', `no backup ${ref} (${flag}; \`pc backups\` lists them)`);
  throw new PhoneSafeError('USAGE', `${flag} ${ref} names ${matches.length} backups: give more of the id`);
}

/** The files of one backup at or under `path` ('' or undefined: all), in path order. */
export function filesUnder(backup: BackupListing, path?: string): BackupFile[] {
  const prefix = (path ?? '').replace(/^\/+|\/+$/g, '');
  const files = prefix === '' ? backup.files : backup.files.filter((f) => f.path === prefix || f.path.startsWith(`${prefix}/`));
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface FoundFile extends BackupFile {
  backupId: string;
  handsetName: string;
  committedAt: string;
}

/**
 * Files whose path matches a glob (`*.jpg`, `photos/**`, `ann.vcf`), in
 * every backup, newest backup first. A pattern without a slash matches the
 * file name anywhere, as restic's `find` does; one with a slash the whole
 * path. Case is ignored when asked.
 */
export function findFiles(listings: readonly BackupListing[], pattern: string, options: { ignoreCase?: boolean } = {}): FoundFile[] {
  if (pattern.trim() === '') throw new PhoneSafeError('USAGE', 'find needs a PATTERN such as *.jpg or photos/**');
  const fold = (text: string) => (options.ignoreCase ? text.toLowerCase() : text);
  const glob = fold(pattern);
  const matches = (path: string) =>
    glob.includes('/') ? matchesGlob(fold(path), glob) : matchesGlob(fold(path.split('/').at(-1) ?? path), glob);
  return listings.flatMap((b) =>
    filesUnder(b)
      .filter((f) => matches(f.path))
      .map((f) => ({ ...f, backupId: b.backupId, handsetName: b.handsetName, committedAt: b.committedAt })),
  );
}

export interface BackupDiff {
  from: string;
  to: string;
  /** In `to`, not in `from`. */
  added: BackupFile[];
  /** In `from`, not in `to`. */
  removed: BackupFile[];
  /** In both, with other content. */
  changed: Array<{ path: string; kind: BackupFile['kind']; before: number; after: number }>;
  unchanged: number;
}

/** What changed from backup `from` to backup `to`, by path and content hash. */
export function diffBackups(from: BackupListing, to: BackupListing): BackupDiff {
  const before = new Map(from.files.map((f) => [f.path, f]));
  const after = new Map(to.files.map((f) => [f.path, f]));
  const diff: BackupDiff = { from: from.backupId, to: to.backupId, added: [], removed: [], changed: [], unchanged: 0 };
  for (const file of filesUnder(to)) {
    const old = before.get(file.path);
    if (!old) diff.added.push(file);
    else if (old.sha256 !== file.sha256) diff.changed.push({ path: file.path, kind: file.kind, before: old.size, after: file.size });
    else diff.unchanged += 1;
  }
  diff.removed = filesUnder(from).filter((f) => !after.has(f.path));
  return diff;
}

export interface BackupStats {
  backups: number;
  /** Files over all backups (a file in three backups counts three times). */
  files: number;
  /** Plaintext bytes a restore of every backup would write (restic's restore size). */
  restoreBytes: number;
  /** Plaintext bytes of distinct contents (by hash): what was really backed up (restic's raw data). */
  rawBytes: number;
  distinctFiles: number;
  /** Sealed bytes the center stores for the owner (after dedup and compression), as the quota counts them. */
  storedBytes: number;
  /** restoreBytes / storedBytes: how much the backups share and compress (1 when nothing is stored). */
  dedupRatio: number;
  quota: QuotaView;
  /** Backups whose manifest could not be read: not counted above. */
  unreadable: number;
}

/** The owner's backups in numbers, with the quota they use. */
export function backupStats(listings: readonly BackupListing[], quota: QuotaView): BackupStats {
  const readable = listings.filter((b) => !b.problem);
  const distinct = new Map<string, number>();
  for (const b of readable) for (const f of b.files) distinct.set(f.sha256, f.size);
  const restoreBytes = readable.reduce((sum, b) => sum + b.totalBytes, 0);
  const storedBytes = quota.storedBytes;
  return {
    backups: readable.length,
    files: readable.reduce((sum, b) => sum + b.files.length, 0),
    restoreBytes,
    rawBytes: [...distinct.values()].reduce((sum, size) => sum + size, 0),
    distinctFiles: distinct.size,
    storedBytes,
    dedupRatio: storedBytes > 0 ? Math.round((restoreBytes / storedBytes) * 100) / 100 : 1,
    quota,
    unreadable: listings.length - readable.length,
  };
}

/** Keeps a backup for good (retention never forgets it) or, with `keep: false`, lets it go. */
export function keepBackup(session: PcSession, backupId: string, keep: boolean): Promise<BackupSummary> {
  return session.owner.client.http.json(BackupSummary, {
    method: 'PUT',
    path: `/v1/backups/${encodeURIComponent(backupId)}/keep`,
    json: { keep },
  });
}

/** Applies a retention policy now (restic's `forget`), per handset and kind; `dryRun` only says what would go. */
export function forgetBackups(session: PcSession, request: ForgetRequest): Promise<ForgetResponse> {
  return session.owner.client.http.json(ForgetResponse, { method: 'POST', path: '/v1/backups/forget', json: request });
}
