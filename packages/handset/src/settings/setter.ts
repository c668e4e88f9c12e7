import { DATA_KINDS, PhoneSafeError, type ScheduleSpec } from '@phonesafe/protocol';
import type { SettingsPatch } from './schema.ts';

/**
 * The CLI's `--set key=value`: one key, its value as typed, turned into a
 * settings patch. Values are only parsed here; the schema validates them.
 */
export const SETTING_KEYS = [
  'targets.kinds',
  'targets.extensions',
  'targets.apps',
  'targets.keywords',
  'compress',
  'triggers.sizeThresholdBytes',
  'triggers.powerOn',
  'triggers.schedule',
  'batteryMin',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export function settingPatch(key: string, value: string): SettingsPatch {
  switch (key as SettingKey) {
    case 'targets.kinds': {
      const list = value.trim() === 'all' ? [...DATA_KINDS] : listOf(value);
      const unknown = list.filter((kind) => !(DATA_KINDS as readonly string[]).includes(kind));
      if (unknown.length) throw usage(`unknown kind(s) ${unknown.join(', ')}; kinds are ${DATA_KINDS.join(', ')} (or all)`);
      return { targets: { kinds: list as SettingsPatchKinds } };
    }
    case 'targets.extensions':
      return { targets: { extensions: listOf(value) } };
    case 'targets.apps':
      return { targets: { apps: listOf(value) } };
    case 'targets.keywords':
      return { targets: { keywords: listOf(value) } };
    case 'compress':
      return { compress: booleanOf(key, value) };
    case 'triggers.sizeThresholdBytes':
      return { triggers: { sizeThresholdBytes: isNone(value) ? null : bytesOf(value) } };
    case 'triggers.powerOn':
      return { triggers: { powerOn: booleanOf(key, value) } };
    case 'triggers.schedule':
      return { triggers: { schedule: scheduleOf(value) } };
    case 'batteryMin':
      return { batteryMin: integerOf(key, value) };
    default:
      throw usage(`unknown setting ${JSON.stringify(key)}; settings are ${SETTING_KEYS.join(', ')}`);
  }
}

type SettingsPatchKinds = NonNullable<NonNullable<SettingsPatch['targets']>['kinds']>;

/**
 * `daily@HH:MM`, `weekly@<0-6>@HH:MM` (0 = Sunday), `monthly@<1-28>@HH:MM`,
 * `once@<ISO time>` or `none`; times are UTC. Ranges are checked by the schema.
 */
export function scheduleOf(value: string): ScheduleSpec | null {
  const text = value.trim();
  if (isNone(text)) return null;
  const [every, ...rest] = text.split('@');
  if (every === 'daily' && rest.length === 1) return { every: 'day', at: rest[0]! };
  if (every === 'weekly' && rest.length === 2) return { every: 'week', weekday: integerOf('weekday', rest[0]!), at: rest[1]! };
  if (every === 'monthly' && rest.length === 2) return { every: 'month', day: integerOf('day of month', rest[0]!), at: rest[1]! };
  if (every === 'once' && rest.length === 1) {
    const at = new Date(rest[0]!);
    if (Number.isNaN(at.getTime())) throw usage(`once@ needs an ISO time such as 2026-05-01T03:00:00Z, not ${rest[0]}`);
    return { every: 'once', on: at.toISOString() };
  }
  throw usage(`schedule must be daily@HH:MM, weekly@<0-6>@HH:MM, monthly@<1-28>@HH:MM, once@<ISO time> or none, not ${JSON.stringify(value)}`);
}

/** The form `scheduleOf` reads, for display. */
export function formatSchedule(spec: ScheduleSpec | null): string {
  if (!spec) return 'none';
  switch (spec.every) {
    case 'day':
      return `daily@${spec.at}`;
    case 'week':
      return `weekly@${spec.weekday}@${spec.at}`;
    case 'month':
      return `monthly@${spec.day}@${spec.at}`;
    case 'once':
      return `once@${spec.on}`;
  }
}

function listOf(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function isNone(value: string): boolean {
  return ['none', 'off', ''].includes(value.trim().toLowerCase());
}

function booleanOf(key: string, value: string): boolean {
  const text = value.trim().toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(text)) return true;
  if (['false', 'off', 'no', '0'].includes(text)) return false;
  throw usage(`${key} must be true or false, not ${JSON.stringify(value)}`);
}

function integerOf(key: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw usage(`${key} must be a whole number, not ${JSON.stringify(value)}`);
  return Number(value.trim());
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes, with an optional binary suffix: 500000, 64K, 10M, 1G (KiB, MiB, GiB). */
function bytesOf(value: string): number {
  const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  if (!match) throw usage(`triggers.sizeThresholdBytes must be bytes such as 500000, 64K, 10M or none, not ${JSON.stringify(value)}`);
  return Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
}

function usage(detail: string): PhoneSafeError {
  return new PhoneSafeError('USAGE', detail);
}
