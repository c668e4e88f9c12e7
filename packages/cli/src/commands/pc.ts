import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import {
  cancelRestore,
  describeSchedule,
  download,
  getSchedule,
  listBackups,
  listNotices,
  listRestores,
  loadProfile,
  openSession,
  pcConfigDir,
  pushRestore,
  putSchedule,
  resolveTarget,
  saveProfile,
  type PcSession,
} from '@phonesafe/pc';
import {
  PhoneSafeError,
  type DataKind,
  type OverwritePolicy,
  type RetryPolicy,
  type ScheduleSpec,
  type ScheduleView,
  daily,
  monthly,
  once,
  weekly,
} from '@phonesafe/protocol';
import { durationOption, formatDuration } from '../duration.ts';
import { httpTimeouts } from '../http-timeouts.ts';
import { pcOwnerCommands } from './pc-owner.ts';
import { pcQuotaCommands } from './pc-quota.ts';
import { pcRescueCommands } from './pc-rescue.ts';
import { noticeLines } from '../notices.ts';
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
  const pc = program
    .command('pc')
    .description(
      "the owner's PC: list backups, download them, send restores to a handset, handsets and password, the lost-handset rescue desk",
    );

  pcVerb(pc, 'backups', 'list committed backups (newest first) and their files')
    .option('--handset <name>', "only this handset's backups")
    .action((flags: PcFlags & { handset?: string }) =>
      withSession(flags, async (session, out) => {
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
      withSession(flags, async (session, out) => {
        const result = await withProgress(out, (onProgress) =>
          download(session, { backupId: flags.backup, out: flags.out, kinds: flags.kinds, onProgress }),
        );
        out.result(result, (r) => `downloaded ${plural(r.files, 'file')} (${humanBytes(r.bytes)}) of backup ${r.backupId} to ${r.out}`);
      }),
    );

  pcVerb(
    pc,
    'restore',
    'order a handset to restore a backup: a handset running `handset run` applies it at once, another when it next talks to the center',
  )
    .option('--backup <id>', 'backup to restore (with --to)')
    .option('--to <handset>', 'name of the destination handset')
    .addOption(kindsOption())
    .option('--delete-after', 'have the center delete the backup once restored')
    .addOption(new Option('--overwrite <policy>', 'items the handset already has (default: the handset asks)').choices(['yes', 'no']))
    .option('--cancel <restoreId>', 'instead: cancel a pending restore order (see pc restores)')
    .action((flags: RestoreFlags) =>
      withSession(flags, async (session, out) => {
        if (flags.cancel !== undefined) return cancelOrder(session, out, flags);
        if (flags.backup === undefined || flags.to === undefined)
          throw new PhoneSafeError('USAGE', 'pc restore needs --backup and --to (or --cancel ID)');
        const overwrite: OverwritePolicy = flags.overwrite ?? 'ask';
        const order = await pushRestore(session, {
          backupId: flags.backup,
          toHandset: flags.to,
          kinds: flags.kinds,
          deleteAfter: Boolean(flags.deleteAfter),
          overwrite,
        });
        out.result(
          order,
          (o) => `restore ${o.restoreId} of backup ${o.backupId} is pending for handset '${flags.to}' (overwrite: ${o.overwrite})`,
        );
      }),
    );

  pcVerb(
    pc,
    'restores',
    'restore orders, newest first: pending (with failed tries and the next try), completed, failed (given up) or cancelled',
  ).action((flags: PcFlags) =>
    withSession(flags, async (session, out) => {
      const restores = await listRestores(session);
      out.result({ restores }, ({ restores: list }) => [
        ...columns(
          list.map((r) => [
            r.restoreId,
            humanTime(r.requestedAt),
            `to ${r.handsetName}`,
            `backup ${r.backupId}`,
            r.status,
            restoreTries(r),
          ]),
        ),
        plural(list.length, 'restore order'),
      ]);
    }),
  );

  pcVerb(pc, 'schedule', "show a handset's backup schedule, or set it with one of --daily, --weekly, --monthly, --once, --none")
    .requiredOption('--handset <name>', 'the handset')
    .option('--daily <HH:MM>', 'every day at this UTC time', (v: string) => daily(v))
    .option('--weekly <WEEKDAY@HH:MM>', 'every week (weekday 0-6, 0 is Sunday, or mon, tue, ...)', (v: string) => weekly(v))
    .option('--monthly <DAY@HH:MM>', 'every month on this day (1-28)', (v: string) => monthly(v))
    .option('--once <ISO>', 'once, at this date and time (e.g. the next date chosen after a backup)', (v: string) => once(v))
    .option('--none', 'no scheduled backup')
    .option(
      '--retry-interval <duration>',
      'wait this long after NG or no answer before asking again (e.g. 10m)',
      durationOption('--retry-interval'),
    )
    .option(
      '--answer-timeout <duration>',
      'how long the handset has to answer a start request (e.g. 60s)',
      durationOption('--answer-timeout'),
    )
    .option('--tries <n>', 'give up (and leave a notice) after this many start requests', parseTries)
    .action((flags: ScheduleFlags) =>
      withSession(flags, async (session, out) => {
        const chosen = scheduleChoice(flags);
        const retry: Partial<RetryPolicy> = {
          ...(flags.retryInterval !== undefined ? { intervalSeconds: flags.retryInterval } : {}),
          ...(flags.answerTimeout !== undefined ? { answerTimeoutSeconds: flags.answerTimeout } : {}),
          ...(flags.tries !== undefined ? { maxTries: flags.tries } : {}),
        };
        const change = chosen !== undefined || Object.keys(retry).length > 0;
        const current = await getSchedule(session, flags.handset);
        // What is not given stays as it is: the schedule, and each field of the retry policy.
        const view = change
          ? await putSchedule(session, flags.handset, {
              schedule: chosen !== undefined ? chosen : current.schedule,
              retry: { ...current.retry, ...retry },
            })
          : current;
        out.result(view, (v) => scheduleLines(v, change));
      }),
    );

  pcVerb(pc, 'notices', "the owner's notices: backups that could not be made, over quota, backups made").action((flags: PcFlags) =>
    withSession(flags, async (session, out) => {
      const notices = await listNotices(session);
      out.result({ notices }, ({ notices: list }) => noticeLines(list));
    }),
  );

  pcOwnerCommands(pc, pcVerb, withSession);
  pcRescueCommands(pc, (name, description) => pcVerb(pc, name, description), withSession);
  pcQuotaCommands((name, description) => pcVerb(pc, name, description), withSession);
}

interface RestoreFlags extends PcFlags {
  backup?: string;
  to?: string;
  kinds?: DataKind[];
  deleteAfter?: boolean;
  overwrite?: 'yes' | 'no';
  cancel?: string;
}

async function cancelOrder(session: PcSession, out: Output, flags: RestoreFlags): Promise<void> {
  const given = (['backup', 'to', 'kinds', 'deleteAfter', 'overwrite'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 0)
    throw new PhoneSafeError(
      'USAGE',
      `--cancel takes no other restore option (${given.map((k) => `--${k === 'deleteAfter' ? 'delete-after' : k}`).join(', ')})`,
    );
  const order = await cancelRestore(session, flags.cancel!);
  out.result(order, (o) => `restore ${o.restoreId} of backup ${o.backupId} is cancelled`);
}

/** Failed tries of an order, and when a pending one is offered again. */
function restoreTries(r: { status: string; attempts: number; lastCode: string | null; nextTryAt: string | null }): string {
  if (r.attempts === 0) return '';
  const tries = `${plural(r.attempts, 'failed try', 'failed tries')} (last ${r.lastCode})`;
  return r.status === 'pending' && r.nextTryAt ? `${tries}, next try ${humanTime(r.nextTryAt)}` : tries;
}

interface ScheduleFlags extends PcFlags {
  handset: string;
  daily?: ScheduleSpec;
  weekly?: ScheduleSpec;
  monthly?: ScheduleSpec;
  once?: ScheduleSpec;
  none?: boolean;
  retryInterval?: number;
  answerTimeout?: number;
  tries?: number;
}

/** The one schedule flag given (null for --none), or undefined for none: two are a usage error. */
function scheduleChoice(flags: ScheduleFlags): ScheduleSpec | null | undefined {
  const given = (['daily', 'weekly', 'monthly', 'once', 'none'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1)
    throw new PhoneSafeError(
      'USAGE',
      `give one of --daily, --weekly, --monthly, --once, --none, not ${given.map((k) => `--${k}`).join(' and ')}`,
    );
  const [flag] = given;
  if (flag === undefined) return undefined;
  return flag === 'none' ? null : (flags[flag] as ScheduleSpec);
}

function parseTries(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100)
    throw new PhoneSafeError('USAGE', `--tries must be 1-100, not '${value}'`);
  return Number(value);
}

function scheduleLines(view: ScheduleView, changed: boolean): string[] {
  const r = view.retry;
  return [
    `handset '${view.handsetName}': ${changed ? 'scheduled ' : ''}${describeSchedule(view.schedule)}`,
    view.nextRunAt ? `next run: ${humanTime(view.nextRunAt)} UTC` : 'next run: none',
    `on NG or no answer: ask again after ${formatDuration(r.intervalSeconds)}, answer within ${formatDuration(r.answerTimeoutSeconds)}, give up after ${plural(r.maxTries, 'try', 'tries')}`,
  ];
}

function pcVerb(pc: Command, name: string, description: string): Command {
  return verb(pc, name, description)
    .option('--center <url>', 'center URL (else PHONESAFE_CENTER, else the last one used)')
    .option('--owner <email>', "owner's e-mail (else PHONESAFE_OWNER, else the last one used)")
    .option('--ca <file>', 'PEM file of the CA that signed an HTTPS center certificate');
}

/**
 * Logs in as the owner for one command, and out again when it ends. The
 * center and owner used are remembered (never the password or a token) once
 * the login succeeded, so the next command needs neither flag. `run` gets
 * the password for the one verb that needs it again (`pc passwd`).
 */
async function withSession(flags: PcFlags, run: (session: PcSession, out: Output, password: string) => Promise<void>): Promise<void> {
  const out = new Output(Boolean(flags.json));
  const dir = pcConfigDir();
  const profile = await loadProfile(dir);
  // An absolute CA path, so the remembered one works from any directory.
  const target = resolveTarget({ center: flags.center, owner: flags.owner, ca: flags.ca && resolve(flags.ca) }, process.env, profile);
  const password = await readPassword(`Password for ${target.owner}: `);
  const ca = target.ca ? await readCaFile(target.ca) : undefined;
  const session = await openSession({
    center: target.center,
    owner: target.owner,
    password,
    ...(ca ? { ca } : {}),
    timeouts: httpTimeouts(),
  });
  try {
    if (target.center !== profile.center || target.owner !== profile.owner || target.ca !== profile.ca) await saveProfile(dir, target);
    await run(session, out, password);
  } finally {
    await session.close();
  }
}
