/**
 * `phonesafe handset wallet auto | recall | tick`: the wallet's automatic
 * backup by conditions (periodic, at a time of day, on capacity shortage, on
 * request), what an add does when the card is full, and the recovery
 * triggers (signal, battery, time of day, memory freed, valid from tomorrow).
 * `handset run` evaluates the triggers; `wallet tick` does it once.
 */
import type { Command } from 'commander';
import { AUTO_KEYS, type AutoSettings, type WalletEvent } from '@phonesafe/handset';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { formatDuration } from '../../duration.ts';
import { eventText } from './run.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

const collect = (value: string, acc: string[] = []): string[] => [...acc, value];
const pointers = (v: string, acc: number[] = []): number[] => {
  if (!/^\d+$/.test(v)) throw new PhoneSafeError('USAGE', `an entry is a pointer number, not '${v}'`);
  return [...acc, Number(v)];
};
const or = (value: string | number | null, shown = String(value)) => (value === null ? 'none' : shown);

function settingsLines(s: AutoSettings): string[] {
  return [
    `backup.safe            ${or(s.backup.safe)}`,
    `backup.where           ${s.backup.where.join(' | ') || 'none'}`,
    `backup.couple          ${s.backup.couple}`,
    `backup.every           ${or(s.backup.everySeconds, formatDuration(s.backup.everySeconds ?? 0))}`,
    `backup.at              ${or(s.backup.at, `${s.backup.at} UTC`)}`,
    `backup.freeBelow       ${or(s.backup.freeBelow, `${s.backup.freeBelow} bytes free`)}`,
    `shortage               ${s.shortage}`,
    `recover.signalAbove    ${or(s.recover.signalAbove, `${s.recover.signalAbove} bars`)}`,
    `recover.batteryAbove   ${or(s.recover.batteryAbove, `${s.recover.batteryAbove}%`)}`,
    `recover.at             ${or(s.recover.at, `${s.recover.at} UTC`)}`,
    `recover.freeAbove      ${or(s.recover.freeAbove, `${s.recover.freeAbove} bytes free`)}`,
    `recover.validTomorrow  ${s.recover.validTomorrow}`,
  ];
}

const eventLines = (events: WalletEvent[]) => (events.length ? events.map((e) => eventText({ at: '', ...e })) : ['nothing due']);

export function walletAutoVerbs(wallet: Command, env: CliEnv): void {
  handsetVerb(wallet, 'auto', 'show or change the automatic backup and recovery settings; --backup-now backs up by them at once')
    .option('--set <key=value>', `one of ${AUTO_KEYS.join(', ')} (repeatable)`, collect, [] as string[])
    .option('--backup-now', 'back up the values the conditions select now, to backup.safe')
    .action((flags: HandsetFlags & { set: string[]; backupNow?: boolean }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const auto = agent.walletAuto();
        for (const assignment of flags.set) {
          const eq = assignment.indexOf('=');
          if (eq <= 0) throw new PhoneSafeError('USAGE', `--set needs key=value, not '${assignment}'`);
          await auto.set(assignment.slice(0, eq).trim(), assignment.slice(eq + 1));
        }
        const backup = flags.backupNow ? await auto.backup(['request']) : undefined;
        out.result({ settings: await auto.settings(), ...(backup ? { backup } : {}) }, (r) => [
          ...settingsLines(r.settings),
          ...(r.backup ? eventLines([r.backup]) : []),
        ]);
      }),
    );
  handsetVerb(wallet, 'recall', 'mark certificates to be recovered on the next recovery trigger (signal, battery, time, memory)')
    .option('--undo', 'unmark them')
    .argument('<entries...>', 'pointers of certificates', pointers)
    .action((entries: number[], flags: HandsetFlags & { undo?: boolean }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        await agent.wallet().recall(entries, !flags.undo);
        out.result({ recall: entries, marked: !flags.undo }, (r) =>
          r.marked
            ? `certificates ${r.recall.join(', ')} are recovered on the next trigger`
            : `certificates ${r.recall.join(', ')} unmarked`,
        );
      }),
    );
  handsetVerb(wallet, 'tick', 'look at the backup and recovery triggers once, as handset run does, and act on those due').action(
    (flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const events = await agent.walletAuto().tick();
        out.result({ events }, (r) => eventLines(r.events));
      }),
  );
}
