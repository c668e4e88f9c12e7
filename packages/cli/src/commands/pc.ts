import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import {
  download,
  listBackups,
  loadProfile,
  openSession,
  pcConfigDir,
  pushRestore,
  resolveTarget,
  saveProfile,
  type PcSession,
} from '@phonesafe/pc';
import type { DataKind, OverwritePolicy } from '@phonesafe/protocol';
import { kindsOption, readCaFile, verb } from '../options.ts';
import { columns, humanBytes, humanTime, plural, Output } from '../output.ts';
import { readPassword } from '../password.ts';
import { withProgress } from '../progress.ts';

interface PcFlags {
  center?: string;
  owner?: string;
  ca?: string;
  json?: boolean;
}

/** `phonesafe pc <verb>`: the owner's view of the center, from a PC. */
export function pcCommands(program: Command): void {
  const pc = program.command('pc').description("the owner's PC: list backups, download them, send restores to a handset");

  pcVerb(pc, 'backups', 'list committed backups (newest first) and their files')
    .option('--handset <name>', "only this handset's backups")
    .action((flags: PcFlags & { handset?: string }) =>
      withSession(flags, async (session, out) => {
        const backups = await listBackups(session, flags.handset ? { handset: flags.handset } : {});
        out.result({ backups }, ({ backups: list }) => [
          ...list.flatMap((b) => [
            `backup ${b.backupId}  ${humanTime(b.committedAt)}  handset ${b.handsetName}  ${plural(b.fileCount, 'file')}  ${humanBytes(b.totalBytes)} (stored ${humanBytes(b.storedBytes)})`,
            ...(b.problem ? [`  cannot read its file list: ${b.problem.code}: ${b.problem.detail}`] : []),
            ...columns(b.files.map((f) => ['  ' + f.kind, humanBytes(f.size), f.path]), [1]),
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
      withSession(flags, async (session, out) => {
        const result = await withProgress(out, (onProgress) =>
          download(session, { backupId: flags.backup, out: flags.out, kinds: flags.kinds, onProgress }),
        );
        out.result(result, (r) => `downloaded ${plural(r.files, 'file')} (${humanBytes(r.bytes)}) of backup ${r.backupId} to ${r.out}`);
      }),
    );

  pcVerb(pc, 'restore', 'order a handset to restore a backup; it applies it when it next talks to the center')
    .requiredOption('--backup <id>', 'backup to restore')
    .requiredOption('--to <handset>', 'name of the destination handset')
    .addOption(kindsOption())
    .option('--delete-after', 'have the center delete the backup once restored')
    .addOption(new Option('--overwrite <policy>', 'items the handset already has (default: the handset asks)').choices(['yes', 'no']))
    .action((flags: PcFlags & { backup: string; to: string; kinds?: DataKind[]; deleteAfter?: boolean; overwrite?: 'yes' | 'no' }) =>
      withSession(flags, async (session, out) => {
        const overwrite: OverwritePolicy = flags.overwrite ?? 'ask';
        const order = await pushRestore(session, {
          backupId: flags.backup,
          toHandset: flags.to,
          kinds: flags.kinds,
          deleteAfter: Boolean(flags.deleteAfter),
          overwrite,
        });
        out.result(order, (o) => `restore ${o.restoreId} of backup ${o.backupId} is pending for handset '${flags.to}' (overwrite: ${o.overwrite})`);
      }),
    );
}

function pcVerb(pc: Command, name: string, description: string): Command {
  return verb(pc, name, description)
    .option('--center <url>', 'center URL (else PHONESAFE_CENTER, else the last one used)')
    .option('--owner <email>', "owner's e-mail (else PHONESAFE_OWNER, else the last one used)")
    .option('--ca <file>', 'PEM file of the CA that signed an HTTPS center certificate');
}

/**
 * Logs in as the owner for one command. The center and owner used are
 * remembered (never the password) once the login succeeded, so the next
 * command needs neither flag.
 */
async function withSession(flags: PcFlags, run: (session: PcSession, out: Output) => Promise<void>): Promise<void> {
  const out = new Output(Boolean(flags.json));
  const dir = pcConfigDir();
  const profile = await loadProfile(dir);
  // An absolute CA path, so the remembered one works from any directory.
  const target = resolveTarget({ center: flags.center, owner: flags.owner, ca: flags.ca && resolve(flags.ca) }, process.env, profile);
  const password = await readPassword(`Password for ${target.owner}: `);
  const ca = target.ca ? await readCaFile(target.ca) : undefined;
  const session = await openSession({ center: target.center, owner: target.owner, password, ...(ca ? { ca } : {}) });
  try {
    if (target.center !== profile.center || target.owner !== profile.owner || target.ca !== profile.ca) await saveProfile(dir, target);
    await run(session, out);
  } finally {
    await session.close();
  }
}
