/**
 * The center's configuration: the only module that reads `process.env`.
 * Precedence: CLI overrides, then PHONESAFE_* variables, then defaults. The
 * result is validated once; everything downstream trusts it. Each concern
 * declares its settings in its own section (`*-config.ts`); a secret is
 * declared secret there (setting.ts), and `printConfig` masks every one.
 */
import { PhoneSafeError } from '@phonesafe/protocol';
import { z } from 'zod';
import { backup, quota, type BackupConfig, type QuotaConfig } from './backup-config.ts';
import { login, owners, type LockPolicy, type OwnerConfig } from './owner-config.ts';
import { rescue, type RescuePolicy } from './rescue-config.ts';
import { channel, schedules, type ChannelConfig, type ScheduleConfig } from './schedule-config.ts';
import { bodies, clock, server, tick, type ProcessConfig, type ServerConfig } from './server-config.ts';
import type { Setting } from './setting.ts';

export type { LockPolicy, RescuePolicy };

/** The sections in the order their settings are validated and their parts appear in the configuration. */
const SECTIONS = [server, backup, owners, tick, schedules, quota, clock, rescue, login, bodies, channel] as const;

const SETTINGS: Record<string, Setting> = Object.assign({}, ...SECTIONS.map((s) => s.settings));

/** Every setting, with its environment variable, across the sections. */
type AllSettings = { [S in (typeof SECTIONS)[number] as keyof S['settings']]: true };
type SettingName = keyof AllSettings;

/** What a caller (the CLI) may override; strings are accepted as typed on a command line. */
export type ConfigOverrides = Partial<Record<SettingName, string | number | undefined>>;

export type CenterConfig = ServerConfig &
  BackupConfig &
  OwnerConfig &
  Pick<ProcessConfig, 'tickMs'> &
  ScheduleConfig &
  QuotaConfig &
  Pick<ProcessConfig, 'clock'> & { rescue: RescuePolicy; login: LockPolicy } & Pick<ProcessConfig, 'bodies'> &
  ChannelConfig;

const RawConfig = z.strictObject(Object.fromEntries(Object.entries(SETTINGS).map(([name, s]) => [name, s.schema])));

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): CenterConfig {
  const raw: Record<string, unknown> = {};
  for (const [name, { env: envName }] of Object.entries(SETTINGS)) {
    const value = overrides[name as SettingName] ?? env[envName];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const parsed = RawConfig.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      const source = Object.hasOwn(SETTINGS, name) ? `${name} (${SETTINGS[name]?.env})` : name || 'configuration';
      return `${source}: ${issue.message}`;
    });
    throw new PhoneSafeError('USAGE', `invalid center configuration: ${problems.join('; ')}`);
  }
  // Each section builds its part from its own values; together, in order, they are the configuration.
  const parts = SECTIONS.map((s) => (s.build as (values: Record<string, unknown>) => object)(parsed.data));
  return Object.assign({}, ...parts) as CenterConfig;
}

/** The configuration as JSON for `center config`, with every declared secret masked (setting.ts). */
export function printConfig(config: CenterConfig): string {
  const masked: Record<string, unknown> = { ...config };
  for (const [name, { mask }] of Object.entries(SETTINGS)) {
    if (!mask) continue;
    if (!(name in masked)) throw new Error(`the secret setting ${name} is not in the configuration, so it could not be masked`);
    const value = masked[name];
    if (value !== null && value !== undefined) masked[name] = mask(String(value));
  }
  return JSON.stringify(masked, null, 2);
}

/** The names of the settings declared secret, for tests that check none leaks. */
export function secretSettings(): string[] {
  return Object.entries(SETTINGS)
    .filter(([, s]) => s.mask)
    .map(([name]) => name);
}
