/**
 * The safe's configuration (server-kit's loader): where it listens and keeps
 * its data, its database, its guess limit and counter, its clock. The
 * database URL may carry a password and is declared secret.
 */
import { clockSection, ConfigSections, listenSection, section, setting, type ListenConfig } from '@phonesafe/server-kit';
import { z } from 'zod';

/** Where the safe listens (server-kit's listen section; its data directory holds safe.key, safe.secret, the SQLite file), and its own settings. */
export interface SafeConfig extends ListenConfig {
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

const listen = listenSection({
  prefix: 'PHONESAFE_SAFE',
  port: 8790,
  data: './.phonesafe/safe',
  dbFile: 'safe.db',
  tlsPairMissing: 'invalid safe configuration: HTTPS needs both PHONESAFE_SAFE_TLS_CERT and PHONESAFE_SAFE_TLS_KEY',
});

const settings = section(
  {
    name: setting('PHONESAFE_SAFE_NAME', z.string().min(1).max(64).default('PhoneSafe safe')),
    maxTries: setting('PHONESAFE_SAFE_MAX_TRIES', z.coerce.number().int().min(1).max(100).default(10)),
    counterMax: setting(
      'PHONESAFE_SAFE_COUNTER_MAX',
      z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(Number.MAX_SAFE_INTEGER),
    ),
    maxValueBytes: setting('PHONESAFE_SAFE_MAX_VALUE_BYTES', z.coerce.number().int().min(64).max(1_048_576).default(65_536)),
  },
  (c): Omit<SafeConfig, keyof ListenConfig | 'clock'> => ({
    name: c.name,
    maxTries: c.maxTries,
    counterMax: c.counterMax,
    maxValueBytes: c.maxValueBytes,
  }),
);

const SECTIONS = new ConfigSections<SafeConfig>('safe', [listen, settings, clockSection]);

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
