import { z } from 'zod';
import { DATA_KINDS, PhoneSafeError, ScheduleSpec } from '@phonesafe/protocol';

/**
 * What the owner sets on the handset (B1, seed 001 FIG 3 S10-S12): which data
 * to back up, compression, and the triggers. Validated with zod whenever it
 * changes, so a bad value is refused before anything is stored.
 */

const Extension = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\.?[a-z0-9]{1,16}$/, 'a file extension such as vcf or .jpg')
  .transform((ext) => ext.replace(/^\./, ''));
/** An application's folder name under apps/ or appdata/: one path segment. */
const AppName = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[^/\\\0]+$/, 'an application folder name, without slashes');
const Keyword = z.string().trim().min(1, 'a keyword may not be empty').max(128);

const TargetsShape = z.strictObject({
  kinds: z.array(z.enum(DATA_KINDS)),
  extensions: z.array(Extension),
  apps: z.array(AppName),
  keywords: z.array(Keyword),
});

export const Targets = TargetsShape.refine(
  (t) => t.kinds.length + t.extensions.length + t.apps.length + t.keywords.length > 0,
  'targets must name at least one kind, extension, application or keyword',
);
export type Targets = z.infer<typeof Targets>;

export const Triggers = z.strictObject({
  /** B4 storing-size trigger: back up when the target copies waiting in the backup area pass this many sealed bytes. */
  sizeThresholdBytes: z.number().int().positive().nullable(),
  /** B4 specific-action trigger: back up after power-on. */
  powerOn: z.boolean(),
  /** B3 center-side timer, registered at the center (PUT /v1/handsets/me/schedule). */
  schedule: ScheduleSpec.nullable(),
});
export type Triggers = z.infer<typeof Triggers>;

/** SIM sync's automatic triggers (seed 002 S6, sync.md "Triggers"), run by `handset run` on the handset's clock. */
export const SyncTriggers = z.strictObject({
  /** (a2) periodic: a sync both ways every this many minutes; null: off. */
  everyMinutes: z.number().int().positive().nullable(),
  /** (a3) every update: an upload as soon as a change is not reflected. */
  onUpdate: z.boolean(),
  /** (a4) an upload once this many changes are not reflected; null: off. */
  thresholdCount: z.number().int().positive().nullable(),
  /** (a4) an upload once the changes not reflected hold this many bytes; null: off. */
  thresholdBytes: z.number().int().positive().nullable(),
  /** [0042] the owner's permission first: an automatic sync does not run, it is announced and waits for `handset sync`. */
  ask: z.boolean(),
  /** R-S6.8: a reminder of changes not reflected, at most every this many minutes; null: off. */
  remindMinutes: z.number().int().positive().nullable(),
  /** (a1) the radio's time cap on the removal upload, by the handset's clock: what has not gone up by then stays pending; null: no cap. */
  removalMaxSeconds: z.number().int().nonnegative().nullable().default(null),
  /** Per kind when that data is opened: `handset open KIND` syncs both ways first for these kinds; none: never. */
  onOpen: z.array(z.enum(DATA_KINDS)).default([]),
  /** S10 (FIG 21): a sync both ways while the device is idle (absent before: off). */
  onIdle: z.boolean().default(false),
  /** S10: an idle session sends at most this many bytes of changes; the rest goes at the next idle time; null: no cap. */
  idleMaxBytes: z.number().int().positive().nullable().default(null),
  /** S10: an idle session starts no page after this many seconds (handset's clock); null: no cap. */
  idleMaxSeconds: z.number().int().positive().nullable().default(null),
  /** S11 (FIG 22): at or below this battery percent, an upload of what is not reflected, the download deferred; null: off. */
  lowBattery: z.number().int().min(1).max(100).nullable().default(null),
  /** S11: the owner is told before, asked first (no answer is a no; `handset sync` is the yes), or told after. */
  lowBatteryNotice: z.enum(['before', 'ask', 'after']).default('after'),
});
export type SyncTriggers = z.infer<typeof SyncTriggers>;

export const DEFAULT_SYNC_TRIGGERS: SyncTriggers = {
  everyMinutes: null,
  onUpdate: false,
  thresholdCount: null,
  thresholdBytes: null,
  ask: false,
  remindMinutes: null,
  removalMaxSeconds: null,
  onOpen: [],
  onIdle: false,
  idleMaxBytes: null,
  idleMaxSeconds: null,
  lowBattery: null,
  lowBatteryNotice: 'after',
};

export const HandsetSettings = z.strictObject({
  targets: Targets,
  /** Compress backup copies before sealing (kinds that are compressed already are never tried). */
  compress: z.boolean(),
  triggers: Triggers,
  /** Below this battery level (percent) the handset answers a center's backup request NG battery-low. */
  batteryMin: z.number().int().min(0).max(100),
  /** Absent in settings stored before issue 12: every automatic sync trigger off. */
  sync: SyncTriggers.default(DEFAULT_SYNC_TRIGGERS),
});
export type HandsetSettings = z.infer<typeof HandsetSettings>;

/** A change: any top-level field, and any field of targets or triggers alone. */
export interface SettingsPatch {
  targets?: Partial<z.input<typeof TargetsShape>>;
  compress?: boolean;
  triggers?: Partial<Triggers>;
  batteryMin?: number;
  sync?: Partial<SyncTriggers>;
}

/**
 * The defaults work with no set-up (seed 001 [0043]: "backup of only
 * telephone directory data"): contacts only, compressed, weekly on Sunday at
 * 03:00 UTC, no size or power-on trigger.
 */
export const DEFAULT_SETTINGS: HandsetSettings = {
  targets: { kinds: ['contacts'], extensions: [], apps: [], keywords: [] },
  compress: true,
  triggers: { sizeThresholdBytes: null, powerOn: false, schedule: { every: 'week', weekday: 0, at: '03:00' } },
  batteryMin: 15,
  sync: DEFAULT_SYNC_TRIGGERS,
};

/** `base` with `patch` applied, validated; a USAGE error names every bad field. */
export function applyPatch(base: HandsetSettings, patch: SettingsPatch): HandsetSettings {
  const merged = {
    ...base,
    ...patch,
    targets: { ...base.targets, ...patch.targets },
    triggers: { ...base.triggers, ...patch.triggers },
    sync: { ...base.sync, ...patch.sync },
  };
  return parseSettings(merged, 'USAGE');
}

/** Parses stored or given settings; `code` says whose fault a bad value is (the owner's, or a damaged database). */
export function parseSettings(value: unknown, code: 'USAGE' | 'LOCAL_IO'): HandsetSettings {
  const parsed = HandsetSettings.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`);
  throw new PhoneSafeError(code, `invalid settings: ${problems.join('; ')}`);
}
