/** `phonesafe pc backups | download`: the owner's committed backups, and one of them decrypted onto this PC. */
import type { Command } from 'commander';
import { download, listBackups } from '@phonesafe/pc';
import type { DataKind } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { kindsOption } from '../../options.ts';
import { columns, humanBytes, humanTime, plural } from '../../output.ts';
import { withProgress } from '../../progress.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

export function backupVerbs(pc: Command, env: CliEnv): void {
  pcVerb(pc, 'backups', 'list committed backups (newest first) and their files')
    .option('--handset <name>', "only this handset's backups")
    .action((flags: PcFlags & { handset?: string }) =>
      withSession(env, flags, async (session, out) => {
        const backups = await listBackups(session, flags.handset ? { handset: flags.handset } : {});
        out.result({ backups }, ({ backups: list }) => [
          ...list.flatMap((b) => [
            `backup ${b.backupId}  ${humanTime(b.committedAt)}  handset ${b.handsetName}  ${plural(b.fileCount, 'file')}  ${humanBytes(b.totalBytes)} (stored ${humanBytes(b.storedBytes)})`,
            ...(b.problem ? [`  cannot read its file list: ${b.problem.code}: ${b.problem.detail}`] : []),
            ...columns(
              b.files.map((f) => ['  ' + f.kind, humanBytes(f.size), f.path]),
              [1],
            ),
          ]),
          plural(list.length, 'backup'),
        ]);
      }),
    );

  pcVerb(pc, 'download', 'decrypt the files of a backup into a directory on this PC')
    .requiredOption('--backup <id>', 'backup to download')
    .requiredOption('--out <dir>', 'directory to write the files under')
    .addOption(kindsOption())
    .action((flags: PcFlags & { backup: string; out: string; kinds?: DataKind[] }) =>
      withSession(env, flags, async (session, out) => {
        const result = await withProgress(out, (onProgress) =>
          download(session, { backupId: flags.backup, out: flags.out, kinds: flags.kinds, onProgress }),
        );
        out.result(result, (r) => `downloaded ${plural(r.files, 'file')} (${humanBytes(r.bytes)}) of backup ${r.backupId} to ${r.out}`);
      }),
    );
}
