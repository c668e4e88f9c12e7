/** `phonesafe pc backups | download`: the owner's committed backups, and one of them decrypted onto this PC. */
import type { Command } from 'commander';
import { download, listBackups, type BackupListing } from '@phonesafe/pc';
import { DATA_KINDS, type DataKind } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { kindsOption } from '../../options.ts';
import { columns, humanBytes, humanTime, plural } from '../../output.ts';
import { removingTempsOnSignal } from '../../interrupt.ts';
import { withProgress } from '../../progress.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

export function backupVerbs(pc: Command, env: CliEnv): void {
  pcVerb(pc, 'backups', 'list committed backups, newest first, one line each (`pc ls BACKUP` lists the files of one)')
    .option('--handset <name>', "only this handset's backups")
    .action((flags: PcFlags & { handset?: string }) =>
      withSession(env, flags, async (session, out) => {
        const backups = await listBackups(session, flags.handset ? { handset: flags.handset } : {});
        out.result({ backups }, ({ backups: list }) => backupLines(list));
      }),
    );

  pcVerb(pc, 'download', 'decrypt the files of a backup into a directory on this PC')
    .requiredOption('--backup <id>', 'backup to download')
    .requiredOption('--out <dir>', 'directory to write the files under')
    .addOption(kindsOption())
    .option('--include <path...>', 'only the files at or under these paths (a file path downloads that one file)')
    .action((flags: PcFlags & { backup: string; out: string; kinds?: DataKind[]; include?: string[] }) =>
      withSession(env, flags, async (session, out) => {
        const result = await removingTempsOnSignal(() =>
          withProgress(out, (onProgress) =>
            download(session, { backupId: flags.backup, out: flags.out, kinds: flags.kinds, include: flags.include, onProgress }),
          ),
        );
        out.result(result, (r) => `downloaded ${plural(r.files, 'file')} (${humanBytes(r.bytes)}) of backup ${r.backupId} to ${r.out}`);
      }),
    );
}

/** One line per backup: id, date, handset, trigger, kinds, files, size, and what to know (partial, kept, unreadable). */
export function backupLines(list: readonly BackupListing[]): string[] {
  const rows = list.map((b) => [
    b.backupId,
    humanTime(b.committedAt),
    b.handsetName,
    b.trigger,
    DATA_KINDS.every((kind) => b.kinds.includes(kind)) ? 'all kinds' : b.kinds.join(','),
    plural(b.fileCount, 'file'),
    humanBytes(b.totalBytes),
    [
      ...(b.partial && !b.problem ? ['partial'] : []),
      ...(b.keptAt ? ['kept for good'] : []),
      ...(b.problem ? [`file list unreadable: ${b.problem.code}`] : []),
    ].join(', '),
  ]);
  const table = columns([['ID', 'DATE (UTC)', 'HANDSET', 'TRIGGER', 'KINDS', 'FILES', 'SIZE', ''], ...rows], [5, 6]);
  return [...table.map((line) => line.trimEnd()), plural(list.length, 'backup')];
}
