/** `phonesafe handset busy | state | power-on`: the virtual device the readiness answer (B3) and the power-on trigger (B4) look at. */
import type { Command } from 'commander';
import { PhoneSafeError } from '@phonesafe/protocol';
import { durationOption, formatDuration } from '../../duration.ts';
import type { CliEnv } from '../../env.ts';
import { failAfterOutput } from '../../errors.ts';
import { humanBytes, humanTime, plural } from '../../output.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

export function deviceVerbs(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'busy', 'the owner is operating the handset: backup start requests are answered NG (operating) meanwhile')
    .requiredOption('--for <duration>', 'how long, e.g. 5m (0s ends it)', durationOption('--for'))
    .action((flags: HandsetFlags & { for: number }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        agent.setBusy(flags.for * 1000);
        out.result(agent.deviceReport(), (d) =>
          d.busyUntil
            ? `the owner is operating the handset until ${humanTime(d.busyUntil)} UTC (${formatDuration(flags.for)})`
            : 'not operating',
        );
      }),
    );

  handsetVerb(handset, 'state', "show the virtual device's state, or change its battery level, idleness and signal")
    .option('--battery <percent>', 'battery level, 0-100', parsePercent)
    .option('--idle <bool>', 'true or false', parseBool('--idle'))
    .option('--signal <bars>', 'signal level, 0 (none) to 4 (full)', parseBars)
    .action((flags: HandsetFlags & { battery?: number; idle?: boolean; signal?: number }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        if (flags.battery !== undefined || flags.idle !== undefined || flags.signal !== undefined) {
          agent.setDeviceState({
            ...(flags.battery !== undefined ? { battery: flags.battery } : {}),
            ...(flags.idle !== undefined ? { idle: flags.idle } : {}),
            ...(flags.signal !== undefined ? { signal: flags.signal } : {}),
          });
        }
        out.result(agent.deviceReport(), (d) => [
          `battery ${d.battery}%, signal ${d.signal}/4, ${d.idle ? 'idle' : 'not idle'}, ${d.operating && d.busyUntil ? `operated until ${humanTime(d.busyUntil)} UTC` : 'not operated'}${d.writing ? ', writing its backup area' : ''}`,
          `a backup start request now would be answered ${d.answer}${d.reason ? ` (${d.reason})` : ''}`,
        ]);
      }),
    );

  handsetVerb(handset, 'power-on', 'the handset was switched on: backs up now if the power-on trigger is set').action(
    (flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const triggered = await agent.powerOn();
        out.result({ backup: triggered ?? null }, ({ backup }) =>
          !backup
            ? 'powered on (the power-on trigger is off: no backup)'
            : backup.ok
              ? `powered on: backup ${backup.result.backupId} committed (${plural(backup.result.files, 'file')}, sent ${humanBytes(backup.result.sentBytes)})`
              : `powered on: the backup could not be made: ${backup.code}: ${backup.detail}`,
        );
        if (triggered && !triggered.ok) failAfterOutput(triggered.code, `power-on backup: ${triggered.detail}`);
      }),
  );
}

function parsePercent(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 100) throw new PhoneSafeError('USAGE', `--battery must be 0-100, not '${value}'`);
  return Number(value);
}

function parseBars(value: string): number {
  if (!/^[0-4]$/.test(value)) throw new PhoneSafeError('USAGE', `--signal must be 0-4, not '${value}'`);
  return Number(value);
}

function parseBool(option: string): (value: string) => boolean {
  return (value) => {
    const text = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(text)) return true;
    if (['false', 'no', 'off', '0'].includes(text)) return false;
    throw new PhoneSafeError('USAGE', `${option} must be true or false, not '${value}'`);
  };
}
