/** `phonesafe handset settings`: the B1 settings (targets, compression, triggers), shown or changed with --set key=value. */
import type { Command } from 'commander';
import type { SettingsUpdate } from '@phonesafe/handset';
import { PhoneSafeError, scheduleText } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { humanBytes, humanTime } from '../../output.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

export function settingsVerb(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'settings', 'show the settings (what is backed up, compression, triggers), or change them with --set key=value')
    .option(
      '--set <key=value>',
      'e.g. targets.kinds=contacts,media, compress=false, triggers.schedule=weekly@0@03:00, triggers.sizeThresholdBytes=10M, triggers.powerOn=true (repeatable)',
      collect,
      [] as string[],
    )
    .action((flags: HandsetFlags & { set: string[] }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        let registration: SettingsUpdate['schedule'];
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
          `sync.everyMinutes ${v.sync.everyMinutes ?? 'none'}, sync.onUpdate ${v.sync.onUpdate}, sync.thresholdCount ${v.sync.thresholdCount ?? 'none'}, sync.thresholdBytes ${v.sync.thresholdBytes ?? 'none'}, sync.ask ${v.sync.ask}, sync.remindMinutes ${v.sync.remindMinutes ?? 'none'}, sync.removalMaxSeconds ${v.sync.removalMaxSeconds ?? 'none'}, sync.onOpen ${v.sync.onOpen.join(',') || 'none'}`,
          `sync.onIdle ${v.sync.onIdle}, sync.idleMaxBytes ${v.sync.idleMaxBytes ?? 'none'}, sync.idleMaxSeconds ${v.sync.idleMaxSeconds ?? 'none'}, sync.lowBattery ${v.sync.lowBattery ?? 'none'}, sync.lowBatteryNotice ${v.sync.lowBatteryNotice}`,
        ]);
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
