/**
 * The safe's configuration (server-kit's loader): where it listens and keeps
 * its data, its database, its guess limit and counter, its clock. The
 * database URL may carry a password and is declared secret.
 */
import { resolve } from 'node:path';
import { CLOCK_SPEC, PhoneSafeError } from '@phonesafe/protocol';
import { ConfigSections, maskUrlPassword, secret, section, setting } from '@phonesafe/server-kit';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface SafeConfig {
  host: string;
  port: number;
  /** Absolute data directory: safe.key, safe.secret, the SQLite file. */
  data: string;
  db: string;
  tls: { cert: string; key: string } | null;
  logLevel: (typeof LOG_LEVELS)[number];
  /** How the safe names itself in its certificates and its info. */
  name: string;
  /** Wrong owner authentications before the owner's escrowed material is destroyed. */
  maxTries: number;
  /** The certificate counter wraps to 0 after this value (FIG 2). */
  counterMax: number;
  /** The largest sealed value a deposit may carry, in bytes. */
  maxValueBytes: number;
  /** PHONESAFE_CLOCK (`scaled:<originMs>:<factor>`); null: the system clock. */
  clock: string | null;
}

const settings = section(
  {
    port: setting('PHONESAFE_SAFE_PORT', z.coerce.number().int().min(0).max(65_535).default(8790)),
    host: setting('PHONESAFE_SAFE_HOST', z.string().min(1).default('127.0.0.1')),
    data: setting('PHONESAFE_SAFE_DATA', z.string().min(1).default('./.phonesafe/safe')),
    db: secret(
      setting(
        'PHONESAFE_SAFE_DB',
        z
          .string()
          .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'a database URL starts with sqlite: or postgres://')
          .optional(),
      ),
      maskUrlPassword,
    ),
    tlsCert: setting('PHONESAFE_SAFE_TLS_CERT', z.string().min(1).optional()),
    tlsKey: setting('PHONESAFE_SAFE_TLS_KEY', z.string().min(1).optional()),
    logLevel: setting('PHONESAFE_SAFE_LOG_LEVEL', z.enum(LOG_LEVELS).default('info')),
    name: setting('PHONESAFE_SAFE_NAME', z.string().min(1).max(64).default('PhoneSafe safe')),
    maxTries: setting('PHONESAFE_SAFE_MAX_TRIES', z.coerce.number().int().min(1).max(100).default(10)),
    counterMax: setting(
      'PHONESAFE_SAFE_COUNTER_MAX',
      z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(Number.MAX_SAFE_INTEGER),
    ),
    maxValueBytes: setting('PHONESAFE_SAFE_MAX_VALUE_BYTES', z.coerce.number().int().min(64).max(1_048_576).default(65_536)),
    clock: setting('PHONESAFE_CLOCK', z.string().regex(CLOCK_SPEC, 'scaled:<originMs>:<factor> or file:<path>').optional()),
  },
  (c): SafeConfig => {
    if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) {
      throw new PhoneSafeError('USAGE', 'invalid safe configuration: HTTPS needs both PHONESAFE_SAFE_TLS_CERT and PHONESAFE_SAFE_TLS_KEY');
    }
    const data = resolve(c.data);
    return {
      host: c.host,
      port: c.port,
      data,
      db: c.db ?? `sqlite:${resolve(data, 'safe.db')}`,
      tls: c.tlsCert && c.tlsKey ? { cert: resolve(c.tlsCert), key: resolve(c.tlsKey) } : null,
      logLevel: c.logLevel,
      name: c.name,
      maxTries: c.maxTries,
      counterMax: c.counterMax,
      maxValueBytes: c.maxValueBytes,
      clock: c.clock ?? null,
    };
  },
);

const SECTIONS = new ConfigSections<SafeConfig>('safe', [settings]);

export type SafeOverrides = Partial<
  Record<'port' | 'host' | 'data' | 'db' | 'tlsCert' | 'tlsKey' | 'logLevel' | 'name', string | number | undefined>
>;

/** Overrides (CLI flags) win over the environment, then defaults. */
export function loadSafeConfig(overrides: SafeOverrides = {}, env: Readonly<Record<string, string | undefined>> = process.env): SafeConfig {
  return SECTIONS.load(overrides, env);
}

export function printSafeConfig(config: SafeConfig): string {
  return SECTIONS.print(config);
}
