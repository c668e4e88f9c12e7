/**
 * `phonesafe pc ls | find | diff | stats`: the owner's backups explored as a
 * restic user would. The manifests are decrypted here (the pc library), so
 * the center never sees a name.
 */
import type { Command } from 'commander';
import {
  backupStats,
  diffBackups,
  filesUnder,
  findFiles,
  getQuota,
  listBackups,
  pickBackup,
  type BackupDiff,
  type BackupStats,
} from '@phonesafe/pc';
import type { CliEnv } from '../../env.ts';
import { capped, columns, humanBytes, humanTime, plural } from '../../output.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

export function exploreVerbs(pc: Command, env: CliEnv): void {
  pcVerb(pc, 'ls', 'list the files of one backup (BACKUP: an id, a unique prefix of one, or latest), under PATH if given')
    .argument('<backup>', 'the backup')
    .argument('[path]', 'only files at or under this path')
    .action((ref: string, path: string | undefined, flags: PcFlags) =>
      withSession(env, flags, async (session, out) => {
        const backup = pickBackup(await listBackups(session), ref);
        const files = filesUnder(backup, path);
        out.result({ backupId: backup.backupId, handsetName: backup.handsetName, committedAt: backup.committedAt, files }, (r) => [
          `backup ${r.backupId} of ${r.handsetName}, ${humanTime(r.committedAt)} UTC${path ? `, under ${path}` : ''}:`,
          ...columns(
            r.files.map((f) => [f.kind, humanBytes(f.size), humanTime(f.modifiedAt), f.path]),
            [1],
          ),
          plural(r.files.length, 'file'),
        ]);
      }),
    );

  pcVerb(pc, 'find', 'find files by name across all backups: a glob like *.jpg (file names) or photos/** (paths)')
    .argument('<pattern>', 'the glob')
    .option('--handset <name>', "only this handset's backups")
    .option('-i, --ignore-case', 'ignore case')
    .action((pattern: string, flags: PcFlags & { handset?: string; ignoreCase?: boolean }) =>
      withSession(env, flags, async (session, out) => {
        const listings = await listBackups(session, flags.handset ? { handset: flags.handset } : {});
        const found = findFiles(listings, pattern, { ignoreCase: Boolean(flags.ignoreCase) });
        out.result({ pattern, found }, (r) => [
          ...columns(r.found.map((f) => [f.backupId, humanTime(f.committedAt), f.handsetName, humanBytes(f.size), f.path])),
          `${plural(r.found.length, 'match', 'matches')} in ${plural(new Set(r.found.map((f) => f.backupId)).size, 'backup')}`,
        ]);
      }),
    );

  pcVerb(pc, 'diff', 'what changed from backup A to backup B: files added, removed and changed')
    .argument('<a>', 'the older backup')
    .argument('<b>', 'the newer backup')
    .action((a: string, b: string, flags: PcFlags) =>
      withSession(env, flags, async (session, out) => {
        const listings = await listBackups(session);
        out.result(diffBackups(pickBackup(listings, a, 'A'), pickBackup(listings, b, 'B')), diffLines);
      }),
    );

  pcVerb(pc, 'stats', 'your backups in numbers: restore size, raw (distinct) size, stored size, dedup ratio, quota use').action(
    (flags: PcFlags) =>
      withSession(env, flags, async (session, out) => {
        const [listings, quota] = await Promise.all([listBackups(session), getQuota(session)]);
        out.result(backupStats(listings, quota), statsLines);
      }),
  );
}

function diffLines(d: BackupDiff): string[] {
  return [
    `from ${d.from} to ${d.to}:`,
    ...capped(
      [
        ...d.added.map((f) => `+  ${f.path}  ${humanBytes(f.size)}`),
        ...d.removed.map((f) => `-  ${f.path}  ${humanBytes(f.size)}`),
        ...d.changed.map((f) => `M  ${f.path}  ${humanBytes(f.before)} → ${humanBytes(f.after)}`),
      ],
      200,
    ),
    `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged`,
  ];
}

function statsLines(s: BackupStats): string[] {
  const quota = s.quota.quotaBytes > 0 ? ` (${Math.round((s.quota.storedBytes / s.quota.quotaBytes) * 1000) / 10}%)` : '';
  return [
    ...columns([
      ['backups', String(s.backups)],
      ['files', `${s.files} (${s.distinctFiles} distinct)`],
      ['restore size', humanBytes(s.restoreBytes)],
      ['raw data', `${humanBytes(s.rawBytes)} (distinct contents)`],
      ['stored', `${humanBytes(s.storedBytes)} (sealed, after dedup and compression)`],
      ['dedup ratio', `${s.dedupRatio.toFixed(2)}x`],
      ['quota', `${humanBytes(s.quota.storedBytes)} of ${humanBytes(s.quota.quotaBytes)} used${quota}`],
    ]),
    ...(s.unreadable > 0 ? [`${plural(s.unreadable, 'backup')} with an unreadable file list not counted`] : []),
  ];
}
