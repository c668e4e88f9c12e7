/**
 * The wallet's automatic backup (V13/V14) and recovery triggers (V16): one
 * settings document on the card (`auto_settings`, validated with zod on the
 * way in and out), changed key by key as `handset settings` is
 * (`handset wallet auto --set key=value`), and the triggers' edge memory
 * (`auto_state`, written only by the trigger evaluation; auto-store.ts).
 */
import { z } from 'zod';
import { PhoneSafeError } from '@phonesafe/protocol';
import { parseCondition } from './conditions.ts';

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time of day HH:MM');
const Condition = z.string().superRefine((text, ctx) => {
  try {
    parseCondition(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

export const SHORTAGE_POLICIES = ['suspend', 'backup-then-continue', 'manual'] as const;

export const AutoSettings = z.strictObject({
  backup: z.strictObject({
    /** The pinned safe automatic backups go to; none: no automatic backup. */
    safe: z.string().url().nullable(),
    /** The backup conditions (any of them selects a value; conditions.ts). */
    where: z.array(Condition),
    /** One registration for all the selected values (V7), or one each. */
    couple: z.enum(['none', 'couple-then-encrypt', 'encrypt-then-couple']),
    /** Periodically: every this many seconds. */
    everySeconds: z.number().int().positive().nullable(),
    /** Every day at this UTC time. */
    at: TimeOfDay.nullable(),
    /** On capacity shortage: when the card's free bytes fall below this. */
    freeBelow: z.number().int().positive().nullable(),
  }),
  /** V14: an add that does not fit is suspended (the user is told), backed up first by the conditions, or left to the user's choice. */
  shortage: z.enum(SHORTAGE_POLICIES),
  recover: z.strictObject({
    /** Recover the certificates marked with `wallet recall` when the signal rises to this many bars. */
    signalAbove: z.number().int().min(1).max(4).nullable(),
    /** … when the battery rises to this percent. */
    batteryAbove: z.number().int().min(1).max(100).nullable(),
    /** … every day at this UTC time. */
    at: TimeOfDay.nullable(),
    /** … when the card's free bytes rise to this. */
    freeAbove: z.number().int().positive().nullable(),
    /** Recover a value the day before its validity starts ("available from tomorrow is recovered today"), marked or not. */
    validTomorrow: z.boolean(),
  }),
});
export type AutoSettings = z.infer<typeof AutoSettings>;

export const DEFAULT_AUTO: AutoSettings = {
  backup: { safe: null, where: [], couple: 'none', everySeconds: null, at: null, freeBelow: null },
  shortage: 'suspend',
  recover: { signalAbove: null, batteryAbove: null, at: null, freeAbove: null, validTomorrow: false },
};

export const AUTO_KEYS = [
  'backup.safe',
  'backup.where',
  'backup.couple',
  'backup.every',
  'backup.at',
  'backup.freeBelow',
  'shortage',
  'recover.signalAbove',
  'recover.batteryAbove',
  'recover.at',
  'recover.freeAbove',
  'recover.validTomorrow',
] as const;

const none = (value: string) => ['none', 'off', ''].includes(value.trim().toLowerCase());
const usage = (detail: string) => new PhoneSafeError('USAGE', detail);
const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

function whole(key: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw usage(`${key} must be a whole number (or none), not ${JSON.stringify(value)}`);
  return Number(value.trim());
}

function seconds(key: string, value: string): number {
  const m = /^(\d+)([smhdw])$/.exec(value.trim());
  if (!m) throw usage(`${key} is a period such as 30m, 12h, 1d or 1w (or none), not ${JSON.stringify(value)}`);
  return Number(m[1]) * SECONDS[m[2]!]!;
}

/** `key=value` as typed → the changed document (not yet validated). */
export function assignAutoSetting(base: AutoSettings, key: string, value: string): AutoSettings {
  const next = structuredClone(base);
  const text = value.trim();
  const or = <T>(parse: () => T): T | null => (none(text) ? null : parse());
  switch (key as (typeof AUTO_KEYS)[number]) {
    case 'backup.safe':
      next.backup.safe = or(() => text);
      break;
    case 'backup.where':
      next.backup.where = none(text) ? [] : text.split('|').map((rule) => rule.trim());
      break;
    case 'backup.couple':
      next.backup.couple = (none(text) ? 'none' : text) as AutoSettings['backup']['couple'];
      break;
    case 'backup.every':
      next.backup.everySeconds = or(() => seconds(key, text));
      break;
    case 'backup.at':
    case 'recover.at':
      next[key === 'backup.at' ? 'backup' : 'recover'].at = or(() => text);
      break;
    case 'backup.freeBelow':
      next.backup.freeBelow = or(() => whole(key, text));
      break;
    case 'shortage':
      next.shortage = text as AutoSettings['shortage'];
      break;
    case 'recover.signalAbove':
    case 'recover.batteryAbove':
    case 'recover.freeAbove':
      next.recover[key.slice('recover.'.length) as 'signalAbove' | 'batteryAbove' | 'freeAbove'] = or(() => whole(key, text));
      break;
    case 'recover.validTomorrow':
      if (!['true', 'false'].includes(text)) throw usage(`${key} must be true or false, not ${JSON.stringify(value)}`);
      next.recover.validTomorrow = text === 'true';
      break;
    default:
      throw usage(`unknown wallet setting ${JSON.stringify(key)}; settings are ${AUTO_KEYS.join(', ')}`);
  }
  return next;
}

export function parseAutoSettings(value: unknown, code: 'USAGE' | 'LOCAL_IO'): AutoSettings {
  const parsed = AutoSettings.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new PhoneSafeError(
    code,
    `invalid wallet settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
}
