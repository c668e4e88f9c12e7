/** `phonesafe pc mail-schedule | mail-run`: M5, the schedule table of instructions by mail (FIG 12); restores only with --allow-restore. */
import type { Command } from 'commander';
import { mailSchedules, noteRun, pcConfigDir, PcMail, setMailSchedule, takeDue, type ReceiveResult } from '@phonesafe/pc';
import { daily, monthly, once, PhoneSafeError, scheduleText, weekly, type DataKind, type ScheduleSpec } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { kindsOption, verb } from '../../options.ts';
import { humanTime, Output } from '../../output.ts';
import { pcMailPassword } from './mail.ts';
import { receiveLines } from './mail-output.ts';

type ScheduleFlags = { json?: boolean; handset?: string; kinds?: DataKind[] } & Partial<
  Record<'daily' | 'weekly' | 'monthly' | 'once', ScheduleSpec>
> & {
    none?: boolean;
    restore?: string;
    allowRestore?: boolean;
  };

export function mailRunVerbs(pc: Command, env: CliEnv): void {
  verb(pc, 'mail-schedule', "show the mail schedule table, or set a handset's row with --daily, --weekly, --monthly, --once or --none")
    .option('--handset <name>', 'the paired handset')
    .option('--daily <HH:MM>', 'every day at this UTC time', (v: string) => daily(v))
    .option('--weekly <WEEKDAY@HH:MM>', 'every week', (v: string) => weekly(v))
    .option('--monthly <DAY@HH:MM>', 'every month', (v: string) => monthly(v))
    .option('--once <ISO>', 'once, at this time', (v: string) => once(v))
    .option('--none', "remove the handset's rows")
    .option('--restore <backup-id>', 'the row restores this mail backup at its time instead of backing up (needs --allow-restore)')
    .option('--allow-restore', 'yes, overwrite the handset with that backup at the scheduled time')
    .addOption(kindsOption())
    .action(async (flags: ScheduleFlags) => {
      const out = new Output(Boolean(flags.json));
      const dir = pcConfigDir(env.pc());
      const given = (['daily', 'weekly', 'monthly', 'once', 'none'] as const).filter((k) => flags[k] !== undefined);
      if (given.length > 1) throw new PhoneSafeError('USAGE', 'give one of --daily, --weekly, --monthly, --once, --none');
      if (given.length === 1) {
        if (!flags.handset) throw new PhoneSafeError('USAGE', '--handset names the row to set');
        const spec = given[0] === 'none' ? null : (flags[given[0]!] as ScheduleSpec);
        const request = { spec, kinds: flags.kinds, restore: flags.restore, allowRestore: flags.allowRestore };
        await setMailSchedule(dir, flags.handset, request, env.clock().now());
      }
      const entries = (await mailSchedules(dir)).filter((e) => !flags.handset || e.handset === flags.handset);
      out.result({ entries }, ({ entries: list }) =>
        list.length === 0
          ? ['no backups by mail are scheduled']
          : list.map(
              (e) =>
                `${e.handset}: ${e.restore ? `restore of ${e.restore} ` : ''}${scheduleText(e.spec)}${e.kinds ? ` (${e.kinds.join(',')})` : ''}, next ${e.nextRunAt ? humanTime(e.nextRunAt) : 'never'}${e.lastResult ? `, last: ${e.lastResult}` : ''}`,
            ),
      );
    });

  verb(
    pc,
    'mail-run',
    'send the scheduled backup (and allowed restore) instructions when due and record the answers as they arrive (until SIGINT/SIGTERM)',
  )
    .option('--interval <ms>', 'between two looks', '1000')
    .action(async (flags: { json?: boolean; interval: string }) => {
      const out = new Output(Boolean(flags.json));
      const dir = pcConfigDir(env.pc());
      const mail = new PcMail(dir, env.clock());
      const password = await pcMailPassword(env);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        while (!stop.signal.aborted) {
          await look(mail, dir, env, password, out);
          await new Promise((resolve) => setTimeout(resolve, Number(flags.interval)));
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** Section 32 of FIG 12: due rows send their instruction; then the mailbox is read (FIG 12B). One line per event. */
async function look(mail: PcMail, dir: string, env: CliEnv, password: string, out: Output): Promise<void> {
  const print = (event: Record<string, unknown>, text: string) =>
    process.stdout.write(
      (out.json
        ? JSON.stringify({ at: env.clock().now().toISOString(), ...event })
        : `${humanTime(env.clock().now().toISOString())}  ${text}`) + '\n',
    );
  for (const entry of await takeDue(dir, env.clock().now())) {
    const op = entry.restore ? 'restore' : 'backup';
    try {
      const re = entry.restore
        ? (await mail.restore(entry.restore, password, entry.kinds)).re
        : await mail.backup(entry.handset, password, entry.kinds);
      await noteRun(dir, entry, { lastInstruction: re, lastResult: 'sent' });
      print({ event: 'instruction-sent', op, handset: entry.handset, instruction: re }, `${op} instruction sent to ${entry.handset}`);
    } catch (error) {
      const e = error instanceof PhoneSafeError ? error : new PhoneSafeError('INTERNAL', String(error));
      await noteRun(dir, entry, { lastResult: `${e.code}: ${e.detail}` });
      print(
        { event: 'instruction-failed', op, handset: entry.handset, code: e.code, detail: e.detail },
        `${op} instruction to ${entry.handset} not sent: ${e.code}: ${e.detail}`,
      );
    }
  }
  let result: ReceiveResult;
  try {
    result = await mail.receive(password);
  } catch (error) {
    const e = error instanceof PhoneSafeError ? error : new PhoneSafeError('INTERNAL', String(error));
    print({ event: 'receive-failed', code: e.code, detail: e.detail }, `mailbox not read: ${e.code}: ${e.detail}`);
    return;
  }
  for (const a of result.answers) {
    await noteRun(dir, { re: a.re }, { lastResult: a.status });
    print({ event: 'answer', ...a }, receiveLines({ ...result, answers: [a], refused: [], incomplete: [] }).join('; '));
  }
  for (const r of result.refused) print({ event: 'refused', ...r }, `refused a mail (${r.reason}): ${r.detail}`);
}
