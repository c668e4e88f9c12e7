/** `phonesafe pc schedule`: a handset's backup schedule (B3), shown or set. */
import type { Command } from 'commander';
import { describeSchedule, editSchedule, lastScheduledBackup } from '@phonesafe/pc';
import {
  PhoneSafeError,
  type BackupSummary,
  type RetryPolicy,
  type ScheduleSpec,
  type ScheduleView,
  daily,
  monthly,
  once,
  weekly,
} from '@phonesafe/protocol';
import { durationOption, formatDuration } from '../../duration.ts';
import type { CliEnv } from '../../env.ts';
import { humanTime, plural } from '../../output.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

export function scheduleVerb(pc: Command, env: CliEnv): void {
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
      withSession(env, flags, async (session, out) => {
        const chosen = scheduleChoice(flags);
        const retry: Partial<RetryPolicy> = {
          ...(flags.retryInterval !== undefined ? { intervalSeconds: flags.retryInterval } : {}),
          ...(flags.answerTimeout !== undefined ? { answerTimeoutSeconds: flags.answerTimeout } : {}),
          ...(flags.tries !== undefined ? { maxTries: flags.tries } : {}),
        };
        // What is not given stays as it is (the pc library's rule).
        const { view, changed } = await editSchedule(session, flags.handset, {
          ...(chosen !== undefined ? { schedule: chosen } : {}),
          retry,
        });
        const last = await lastScheduledBackup(session, flags.handset);
        const lastScheduled = last && {
          backupId: last.backupId,
          committedAt: last.committedAt,
          kinds: last.kinds,
          fileCount: last.fileCount,
        };
        out.result({ ...view, lastScheduled }, (v) => scheduleLines(v, changed, last));
      }),
    );
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

function scheduleLines(view: ScheduleView, changed: boolean, last: BackupSummary | null): string[] {
  const r = view.retry;
  return [
    `handset '${view.handsetName}': ${changed ? 'scheduled ' : ''}${describeSchedule(view.schedule)}`,
    view.nextRunAt ? `next run: ${humanTime(view.nextRunAt)} UTC` : 'next run: none',
    "covers: the handset's targets (`handset status` there shows them; contacts unless changed)",
    last
      ? `the last scheduled backup, ${last.backupId} of ${humanTime(last.committedAt)} UTC, covered ${last.kinds.join(', ')} (${plural(last.fileCount, 'file')})`
      : 'no scheduled backup yet',
    `on NG or no answer: ask again after ${formatDuration(r.intervalSeconds)}, answer within ${formatDuration(r.answerTimeoutSeconds)}, give up after ${plural(r.maxTries, 'try', 'tries')}`,
  ];
}
