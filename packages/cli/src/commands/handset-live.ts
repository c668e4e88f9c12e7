/**
 * The handset verbs of issue 3: the live loop (`handset run`), the virtual
 * device's state (busy, battery, idle, power-on), B1 settings, notices and
 * B9 memory extension (offload, fetch).
 */
import type { Command } from 'commander';
import type { HandsetAgent } from '@phonesafe/handset';
import { PhoneSafeError, type DataKind, scheduleText } from '@phonesafe/protocol';
import { failAfterOutput } from '../errors.ts';
import { processClock } from '../clock.ts';
import { durationOption, formatDuration } from '../duration.ts';
import { kindsOption } from '../options.ts';
import { capped, humanBytes, humanTime, plural, type Output } from '../output.ts';
import type { RunEvent } from '../run-events.ts';
import { noticeLines } from '../notices.ts';

interface HandsetFlags {
  data: string;
  json?: boolean;
}

type WithHandset = (
  flags: HandsetFlags,
  options: { applyPending: boolean },
  run: (agent: HandsetAgent, out: Output) => Promise<void>,
) => Promise<void>;

export function liveHandsetCommands(handsetVerb: (name: string, description: string) => Command, withHandset: WithHandset): void {
  handsetVerb(
    'run',
    'keep the live channel to the center open: answer backup start requests OK/NG, back up, apply restores, rescue saves and erases (until SIGINT/SIGTERM)',
  ).action((flags: HandsetFlags) =>
    withHandset(flags, { applyPending: false }, async (agent, out) => {
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await agent.run({
          signal: stop.signal,
          onEvent: (event) => printEvent(out, { at: processClock().now().toISOString(), ...event }),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }),
  );

  handsetVerb('busy', 'the owner is operating the handset: backup start requests are answered NG (operating) meanwhile')
    .requiredOption('--for <duration>', 'how long, e.g. 5m (0s ends it)', durationOption('--for'))
    .action((flags: HandsetFlags & { for: number }) =>
      withHandset(flags, { applyPending: false }, async (agent, out) => {
        agent.setBusy(flags.for * 1000);
        out.result(agent.deviceReport(), (d) =>
          d.busyUntil
            ? `the owner is operating the handset until ${humanTime(d.busyUntil)} UTC (${formatDuration(flags.for)})`
            : 'not operating',
        );
      }),
    );

  handsetVerb('state', "show the virtual device's state, or change its battery level and idleness")
    .option('--battery <percent>', 'battery level, 0-100', parsePercent)
    .option('--idle <bool>', 'true or false', parseBool('--idle'))
    .action((flags: HandsetFlags & { battery?: number; idle?: boolean }) =>
      withHandset(flags, { applyPending: false }, async (agent, out) => {
        if (flags.battery !== undefined || flags.idle !== undefined) {
          agent.setDeviceState({
            ...(flags.battery !== undefined ? { battery: flags.battery } : {}),
            ...(flags.idle !== undefined ? { idle: flags.idle } : {}),
          });
        }
        out.result(agent.deviceReport(), (d) => [
          `battery ${d.battery}%, ${d.idle ? 'idle' : 'not idle'}, ${d.operating && d.busyUntil ? `operated until ${humanTime(d.busyUntil)} UTC` : 'not operated'}${d.writing ? ', writing its backup area' : ''}`,
          `a backup start request now would be answered ${d.answer}${d.reason ? ` (${d.reason})` : ''}`,
        ]);
      }),
    );

  handsetVerb('power-on', 'the handset was switched on: backs up now if the power-on trigger is set (B4)').action((flags: HandsetFlags) =>
    withHandset(flags, { applyPending: false }, async (agent, out) => {
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

  handsetVerb('settings', 'show the B1 settings (targets, compression, triggers), or change them with --set key=value')
    .option(
      '--set <key=value>',
      'e.g. targets.kinds=contacts,media, compress=false, triggers.schedule=weekly@0@03:00, triggers.sizeThresholdBytes=10M, triggers.powerOn=true (repeatable)',
      collect,
      [] as string[],
    )
    .action((flags: HandsetFlags & { set: string[] }) =>
      withHandset(flags, { applyPending: false }, async (agent, out) => {
        let registration: Awaited<ReturnType<HandsetAgent['setSetting']>>['schedule'];
        for (const assignment of flags.set) {
          const eq = assignment.indexOf('=');
          if (eq <= 0) throw new PhoneSafeError('USAGE', `--set needs key=value, not '${assignment}'`);
          registration = (await agent.setSetting(assignment.slice(0, eq).trim(), assignment.slice(eq + 1))).schedule ?? registration;
        }
        const settings = agent.settings();
        if (registration && !registration.registered)
          out.note(
            `the schedule is saved but not yet registered at the center (handset run will): ${registration.code}: ${registration.detail}`,
          );
        out.result({ settings, ...(registration ? { schedule: registration } : {}) }, ({ settings: v }) => [
          `targets.kinds         ${v.targets.kinds.join(',') || '-'}`,
          `targets.extensions    ${v.targets.extensions.join(',') || '-'}`,
          `targets.apps          ${v.targets.apps.join(',') || '-'}`,
          `targets.keywords      ${v.targets.keywords.join(',') || '-'}`,
          `compress              ${v.compress}`,
          `triggers.schedule     ${scheduleText(v.triggers.schedule)}${registration?.registered && registration.nextRunAt ? ` (registered at the center; next run ${humanTime(registration.nextRunAt)} UTC)` : ''}`,
          `triggers.sizeThresholdBytes  ${v.triggers.sizeThresholdBytes === null ? 'none' : `${v.triggers.sizeThresholdBytes} (${humanBytes(v.triggers.sizeThresholdBytes)})`}`,
          `triggers.powerOn      ${v.triggers.powerOn}`,
          `batteryMin            ${v.batteryMin}%`,
        ]);
      }),
    );

  handsetVerb('notices', "this handset's notices from the center (e.g. a backup that could not be made)").action((flags: HandsetFlags) =>
    withHandset(flags, { applyPending: false }, async (agent, out) => {
      const notices = await agent.notices();
      out.result({ notices }, ({ notices: list }) => noticeLines(list));
    }),
  );

  handsetVerb('offload', 'move data not needed now to the center, keeping only its name and summary here (B9)')
    .addOption(kindsOption())
    .option('--older-than <duration>', 'only items not changed for this long, e.g. 90d (default: any age)', durationOption('--older-than'))
    .action((flags: HandsetFlags & { kinds?: DataKind[]; olderThan?: number }) =>
      withHandset(flags, { applyPending: false }, async (agent, out) => {
        const result = await agent.offload({
          ...(flags.kinds ? { kinds: flags.kinds } : {}),
          ...(flags.olderThan !== undefined ? { olderThanMs: flags.olderThan * 1000 } : {}),
        });
        out.result(result, (r) => [
          `offloaded ${plural(r.items.length, 'item')} (${humanBytes(r.bytes)} freed)${r.backupId ? `; backed up first in ${r.backupId}` : ''}`,
          ...capped(r.items.map((i) => `  ${i.path}  ${humanBytes(i.size)}`)),
          ...(r.kept.length > 0
            ? [`kept ${plural(r.kept.length, 'item')}:`, ...capped(r.kept.map((k) => `  ${k.path}: ${k.reason}`))]
            : []),
        ]);
      }),
    );

  handsetVerb('fetch', 'bring an offloaded item back from the center (B9)')
    .argument('<item>', 'path of the item, as listed by export or offload')
    .action((item: string, flags: HandsetFlags) =>
      withHandset(flags, { applyPending: false }, async (agent, out) => {
        const result = await agent.fetch(item);
        out.result(result, (r) =>
          r.fetched ? `fetched ${r.path} (${humanBytes(r.size)}) back from the center` : `${r.path} is on the handset already`,
        );
      }),
    );
}

/** One line per event: JSON with --json, else "time  what happened". */
function printEvent(out: Output, e: RunEvent): void {
  if (out.json) {
    process.stdout.write(JSON.stringify(e) + '\n');
    return;
  }
  process.stdout.write(`${humanTime(e.at)}  ${eventText(e)}\n`);
}

export function eventText(e: RunEvent): string {
  switch (e.event) {
    case 'connected':
      return `connected to ${e.center}`;
    case 'disconnected':
      return `disconnected (${e.reason}); reconnecting in ${e.reconnectInSeconds} s`;
    case 'schedule-registered':
      return `schedule registered at the center: ${e.schedule}${e.nextRunAt ? `, next run ${humanTime(e.nextRunAt)}` : ''}`;
    case 'schedule-failed':
      return `schedule not registered (will try again): ${e.code}: ${e.detail}`;
    case 'backup-start':
      return `backup start request (job ${e.jobId}, attempt ${e.attempt}${e.kinds ? `, kinds ${e.kinds.join(',')}` : ''})`;
    case 'answered':
      return `answered ${e.answer}${e.reason ? ` (${e.reason})` : ''}`;
    case 'backup-committed':
      return `backup ${e.backupId} committed: ${plural(e.files, 'file')}, sent ${humanBytes(e.sentBytes)}`;
    case 'backup-failed':
      return `backup failed: ${e.code}: ${e.detail}`;
    case 'restore-applied':
      return `restore ${e.restoreId} of backup ${e.backupId} applied: ${plural(e.restored, 'file')} restored, ${e.alreadyThere} already there, ${e.skipped} kept unchanged`;
    case 'restore-failed':
      return e.restoreId
        ? `restore ${e.restoreId} could not be applied (the center offers it again later): ${e.code}: ${e.detail}`
        : `pending restores not fetched: ${e.code}: ${e.detail}`;
    case 'rescue-save':
      return `rescue ${e.rescueId}: the center asks to save all of this handset's memory`;
    case 'rescue-saved':
      return `rescue ${e.rescueId}: ${e.again ? 'already saved' : 'saved'} in backup ${e.backupId} (${plural(e.files, 'file')})`;
    case 'rescue-erased':
      return `rescue ${e.rescueId}: ${e.again ? 'already erased' : `${plural(e.erasedItems, 'saved item')} erased from this handset`}${e.keptItems > 0 ? `, ${plural(e.keptItems, 'item')} changed since the save kept` : ''}; reported to the center`;
    case 'rescue-failed':
      return `rescue ${e.rescueId}: the ${e.step} did not complete (the center asks again on the next connection): ${e.code}: ${e.detail}`;
    case 'refused':
      return `the center refused a message: ${e.code}: ${e.detail}`;
    case 'invalid-message':
      return `ignored an invalid message: ${e.detail}`;
    case 'revoked':
      return `${e.detail}: this handset's enrolment and the owner's key are deleted`;
    case 'stopped':
      return 'stopped';
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePercent(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 100) throw new PhoneSafeError('USAGE', `--battery must be 0-100, not '${value}'`);
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
