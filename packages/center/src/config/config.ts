/**
 * The center's configuration: the only module that reads `process.env`.
 * Precedence: CLI overrides, then PHONESAFE_* variables, then defaults. The
 * result is validated once; everything downstream trusts it.
 */
import { resolve } from 'node:path';
import { PhoneSafeError, type RetryPolicy } from '@phonesafe/protocol';
import { z } from 'zod';
import type { RetentionPolicy } from '../backup/retention.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Each setting with the environment variable that can supply it. */
const ENV_NAMES = {
  port: 'PHONESAFE_PORT',
  host: 'PHONESAFE_HOST',
  data: 'PHONESAFE_DATA',
  db: 'PHONESAFE_DB',
  tlsCert: 'PHONESAFE_TLS_CERT',
  tlsKey: 'PHONESAFE_TLS_KEY',
  logLevel: 'PHONESAFE_LOG_LEVEL',
  keepLast: 'PHONESAFE_KEEP_LAST',
  keepDaily: 'PHONESAFE_KEEP_DAILY',
  keepWeekly: 'PHONESAFE_KEEP_WEEKLY',
  keepMonthly: 'PHONESAFE_KEEP_MONTHLY',
  maxPartBytes: 'PHONESAFE_MAX_PART_BYTES',
  pruneGraceSeconds: 'PHONESAFE_PRUNE_GRACE_SECONDS',
  centerSecret: 'PHONESAFE_CENTER_SECRET',
  tickMs: 'PHONESAFE_TICK_MS',
  retryIntervalSeconds: 'PHONESAFE_RETRY_INTERVAL_SECONDS',
  answerTimeoutSeconds: 'PHONESAFE_ANSWER_TIMEOUT_SECONDS',
  maxTries: 'PHONESAFE_MAX_TRIES',
  transferTimeoutSeconds: 'PHONESAFE_TRANSFER_TIMEOUT_SECONDS',
  quotaBytes: 'PHONESAFE_QUOTA_BYTES',
  clock: 'PHONESAFE_CLOCK',
  rescueMaxTries: 'PHONESAFE_RESCUE_MAX_TRIES',
  rescueLockSeconds: 'PHONESAFE_RESCUE_LOCK_SECONDS',
  rescueWindowDays: 'PHONESAFE_RESCUE_WINDOW_DAYS',
  rescueRetentionDays: 'PHONESAFE_RESCUE_RETENTION_DAYS',
  rescueWarnDays: 'PHONESAFE_RESCUE_WARN_DAYS',
  loginMaxTries: 'PHONESAFE_LOGIN_MAX_TRIES',
  loginLockSeconds: 'PHONESAFE_LOGIN_LOCK_SECONDS',
  bodyReads: 'PHONESAFE_BODY_READS',
  bodyQueue: 'PHONESAFE_BODY_QUEUE',
  channelBurst: 'PHONESAFE_CHANNEL_BURST',
  channelRate: 'PHONESAFE_CHANNEL_RATE',
} as const;

type Setting = keyof typeof ENV_NAMES;

/** What a caller (the CLI) may override; strings are accepted as typed on a command line. */
export type ConfigOverrides = Partial<Record<Setting, string | number | undefined>>;

const count = (fallback: number) => z.coerce.number().int().min(0).max(100_000).default(fallback);

const RawConfig = z.strictObject({
  port: z.coerce.number().int().min(0).max(65_535).default(8780),
  host: z.string().min(1).default('127.0.0.1'),
  data: z.string().min(1).default('./.phonesafe/center'),
  db: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'a database URL starts with sqlite: or postgres://')
    .optional(),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  keepLast: count(10),
  keepDaily: count(7),
  keepWeekly: count(4),
  keepMonthly: count(12),
  // 64 KiB floor: a part must hold at least one chunk of the handset's chunker.
  maxPartBytes: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(64 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  pruneGraceSeconds: z.coerce.number().int().min(0).default(3600),
  centerSecret: z.string().min(32, 'the center secret needs at least 32 characters').optional(),
  // Real milliseconds between scheduler ticks; 0 turns the timer off (tests tick by hand).
  tickMs: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  // live-channel.md defaults: retry every 10 minutes, answer within 60 s, 6 tries.
  retryIntervalSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(600),
  answerTimeoutSeconds: z.coerce.number().int().min(1).max(3600).default(60),
  maxTries: z.coerce.number().int().min(1).max(100).default(6),
  transferTimeoutSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .default(30 * 60),
  quotaBytes: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 1024 ** 3),
  clock: z
    .string()
    .regex(/^scaled:\d+:\d+(\.\d+)?$/, 'scaled:<originMs>:<factor>')
    .optional(),
  // rescue.md defaults: 3 wrong tries lock for 15 minutes; wait a year for the handset; keep the save 30 days, warn 3 days before.
  rescueMaxTries: z.coerce.number().int().min(1).max(100).default(3),
  rescueLockSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3600)
    .default(900),
  rescueWindowDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(10 * 365)
    .default(365),
  rescueRetentionDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(10 * 365)
    .default(30),
  rescueWarnDays: z.coerce.number().int().min(0).max(365).default(3),
  // Owner login: 5 wrong passwords in a row lock the e-mail address for 15 minutes (auth/lockout.ts).
  loginMaxTries: z.coerce.number().int().min(1).max(1000).default(5),
  loginLockSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .default(900),
  // Large bodies read at once, and requests that may wait for that (http/body-gate.ts).
  bodyReads: z.coerce.number().int().min(1).max(1000).default(8),
  bodyQueue: z.coerce.number().int().min(0).max(100_000).default(4096),
  // Channel messages per socket: a burst of 50, then 10 a second (channel/rate-limit.ts).
  channelBurst: z.coerce.number().int().min(1).max(100_000).default(50),
  channelRate: z.coerce.number().positive().max(100_000).default(10),
});

export interface CenterConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Absolute path of the data directory (blobs, SQLite file, center secret). */
  data: string;
  /** Database URL: `sqlite:<path>` or `postgres://…`. */
  db: string;
  /** PEM file paths; HTTPS when set. */
  tls: { cert: string; key: string } | null;
  logLevel: (typeof LOG_LEVELS)[number];
  retention: RetentionPolicy;
  maxPartBytes: number;
  pruneGraceMs: number;
  /** Keys the fake prelogin answers; when null the center keeps one in its data directory. */
  centerSecret: string | null;
  /** Real milliseconds between scheduler ticks; 0: no timer. */
  tickMs: number;
  /** Retry policy of a handset whose schedule overrides nothing (B3). */
  defaultRetry: RetryPolicy;
  /** How long a handset has, after OK, to commit the backup. */
  transferTimeoutMs: number;
  /** Stored bytes an owner may have before new backups are refused (B4), unless the owner has its own. */
  quotaBytes: number;
  /** PHONESAFE_CLOCK (`scaled:<originMs>:<factor>`), for accelerated demos; null: the system clock. */
  clock: string | null;
  /** The rescue desk (rescue.md). */
  rescue: RescuePolicy;
  login: LockPolicy;
  /** How many large request bodies are read at once, and how many requests may wait for that. */
  bodies: { reading: number; waiting: number };
  /** Messages a channel socket may send: `burst` at once, `perSecond` over time. */
  channel: { burst: number; perSecond: number };
}

export interface LockPolicy {
  /** Wrong tries in a row before the key locks. */
  maxTries: number;
  lockMs: number;
}

export interface RescuePolicy extends LockPolicy {
  /** R5: how long a request waits for the handset to connect. */
  windowMs: number;
  /** R4: how long saved data is kept. */
  retentionMs: number;
  /** How long before expiry the owner is warned. */
  warnMs: number;
}

const DAY_MS = 24 * 3600 * 1000;

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): CenterConfig {
  const raw: Record<string, unknown> = {};
  for (const [setting, envName] of Object.entries(ENV_NAMES)) {
    const value = overrides[setting as Setting] ?? env[envName];
    if (value !== undefined && value !== '') raw[setting] = value;
  }
  const parsed = RawConfig.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const setting = String(issue.path[0] ?? '');
      const source = setting in ENV_NAMES ? `${setting} (${ENV_NAMES[setting as Setting]})` : setting || 'configuration';
      return `${source}: ${issue.message}`;
    });
    throw new PhoneSafeError('USAGE', `invalid center configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) {
    throw new PhoneSafeError('USAGE', `invalid center configuration: HTTPS needs both ${ENV_NAMES.tlsCert} and ${ENV_NAMES.tlsKey}`);
  }
  const data = resolve(c.data);
  return {
    host: c.host,
    port: c.port,
    data,
    db: c.db ?? `sqlite:${resolve(data, 'center.db')}`,
    tls: c.tlsCert && c.tlsKey ? { cert: resolve(c.tlsCert), key: resolve(c.tlsKey) } : null,
    logLevel: c.logLevel,
    retention: { keepLast: c.keepLast, keepDaily: c.keepDaily, keepWeekly: c.keepWeekly, keepMonthly: c.keepMonthly },
    maxPartBytes: c.maxPartBytes,
    pruneGraceMs: c.pruneGraceSeconds * 1000,
    centerSecret: c.centerSecret ?? null,
    tickMs: c.tickMs,
    defaultRetry: { intervalSeconds: c.retryIntervalSeconds, answerTimeoutSeconds: c.answerTimeoutSeconds, maxTries: c.maxTries },
    transferTimeoutMs: c.transferTimeoutSeconds * 1000,
    quotaBytes: c.quotaBytes,
    clock: c.clock ?? null,
    rescue: {
      maxTries: c.rescueMaxTries,
      lockMs: c.rescueLockSeconds * 1000,
      windowMs: c.rescueWindowDays * DAY_MS,
      retentionMs: c.rescueRetentionDays * DAY_MS,
      warnMs: c.rescueWarnDays * DAY_MS,
    },
    login: { maxTries: c.loginMaxTries, lockMs: c.loginLockSeconds * 1000 },
    bodies: { reading: c.bodyReads, waiting: c.bodyQueue },
    channel: { burst: c.channelBurst, perSecond: c.channelRate },
  };
}

/** The configuration as JSON for `center config`, with the DB password and the center secret masked. */
export function printConfig(config: CenterConfig): string {
  const masked: CenterConfig = {
    ...config,
    db: maskUrlPassword(config.db),
    centerSecret: config.centerSecret === null ? null : '***',
  };
  return JSON.stringify(masked, null, 2);
}

function maskUrlPassword(url: string): string {
  // A regex rather than URL parsing: it also masks a URL that does not parse, e.g. a password with a raw '@'.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^/]*@/i, '$1***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}
