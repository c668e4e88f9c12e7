import { DATA_KINDS, parseScheduleText, PhoneSafeError } from '@phonesafe/protocol';
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
  'sync.everyMinutes',
  'sync.onUpdate',
  'sync.thresholdCount',
  'sync.thresholdBytes',
  'sync.ask',
  'sync.remindMinutes',
  'sync.removalMaxSeconds',
  'sync.onOpen',
  'sync.onIdle',
  'sync.idleMaxBytes',
  'sync.idleMaxSeconds',
  'sync.lowBattery',
  'sync.lowBatteryNotice',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export function settingPatch(key: string, value: string): SettingsPatch {
  switch (key as SettingKey) {
    case 'targets.kinds':
      return { targets: { kinds: kindsOf(value) } };
    case 'sync.onOpen':
      return { sync: { onOpen: isNone(value) ? [] : kindsOf(value) } };
    case 'targets.extensions':
      return { targets: { extensions: listOf(value) } };
    case 'targets.apps':
      return { targets: { apps: listOf(value) } };
    case 'targets.keywords':
      return { targets: { keywords: listOf(value) } };
    case 'compress':
      return { compress: booleanOf(key, value) };
    case 'triggers.sizeThresholdBytes':
      return { triggers: { sizeThresholdBytes: isNone(value) ? null : bytesOf(value, key) } };
    case 'triggers.powerOn':
      return { triggers: { powerOn: booleanOf(key, value) } };
    case 'triggers.schedule':
      return { triggers: { schedule: parseScheduleText(value, key) } };
    case 'batteryMin':
      return { batteryMin: integerOf(key, value) };
    case 'sync.everyMinutes':
      return { sync: { everyMinutes: isNone(value) ? null : integerOf(key, value) } };
    case 'sync.onUpdate':
      return { sync: { onUpdate: booleanOf(key, value) } };
    case 'sync.thresholdCount':
      return { sync: { thresholdCount: isNone(value) ? null : integerOf(key, value) } };
    case 'sync.thresholdBytes':
      return { sync: { thresholdBytes: isNone(value) ? null : bytesOf(value, key) } };
    case 'sync.ask':
      return { sync: { ask: booleanOf(key, value) } };
    case 'sync.remindMinutes':
      return { sync: { remindMinutes: isNone(value) ? null : integerOf(key, value) } };
    case 'sync.removalMaxSeconds':
      return { sync: { removalMaxSeconds: isNone(value) ? null : integerOf(key, value) } };
    case 'sync.onIdle':
      return { sync: { onIdle: booleanOf(key, value) } };
    case 'sync.idleMaxBytes':
      return { sync: { idleMaxBytes: isNone(value) ? null : bytesOf(value, key) } };
    case 'sync.idleMaxSeconds':
      return { sync: { idleMaxSeconds: isNone(value) ? null : integerOf(key, value) } };
    case 'sync.lowBattery':
      return { sync: { lowBattery: isNone(value) ? null : integerOf(key, value) } };
    case 'sync.lowBatteryNotice':
      return { sync: { lowBatteryNotice: noticeOf(key, value) } };
    default:
      throw usage(`unknown setting ${JSON.stringify(key)}; settings are ${SETTING_KEYS.join(', ')}`);
  }
}

type SettingsPatchKinds = NonNullable<NonNullable<SettingsPatch['targets']>['kinds']>;

/** A list of kinds as typed (or all). */
function kindsOf(value: string): SettingsPatchKinds {
  const list = value.trim() === 'all' ? [...DATA_KINDS] : listOf(value);
  const unknown = list.filter((kind) => !(DATA_KINDS as readonly string[]).includes(kind));
  if (unknown.length) throw usage(`unknown kind(s) ${unknown.join(', ')}; kinds are ${DATA_KINDS.join(', ')} (or all)`);
  return list as SettingsPatchKinds;
}

function listOf(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function noticeOf(key: string, value: string): 'before' | 'ask' | 'after' {
  const v = value.trim().toLowerCase();
  if (v === 'before' || v === 'ask' || v === 'after') return v;
  throw usage(`${key} is before, ask or after, not ${JSON.stringify(value)}`);
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
function bytesOf(value: string, key: string): number {
  const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  if (!match) throw usage(`${key} must be bytes such as 500000, 64K, 10M or none, not ${JSON.stringify(value)}`);
  return Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
}

function usage(detail: string): PhoneSafeError {
  return new PhoneSafeError('USAGE', detail);
}
