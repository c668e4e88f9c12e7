/**
 * The center's configuration: the only module that reads `process.env`.
 * Precedence: CLI overrides, then PHONESAFE_* variables, then defaults. The
 * result is validated once; everything downstream trusts it. Each concern
 * declares its settings in its own section (`*-config.ts`); a secret is
 * declared secret there (server-kit's `secret()`), and `printConfig` masks
 * every one.
 */
import { clockSection as clock, ConfigSections } from '@phonesafe/server-kit';
import { backup, quota, type BackupConfig, type QuotaConfig } from './backup-config.ts';
import { login, owners, type LockPolicy, type OwnerConfig } from './owner-config.ts';
import { noticeMail, type NoticeMailConfig } from './mail-config.ts';
import { rescue, type RescuePolicy } from './rescue-config.ts';
import { channel, schedules, type ChannelConfig, type ScheduleConfig } from './schedule-config.ts';
import { bodies, logFormat, server, tick, type ProcessConfig, type ServerConfig } from './server-config.ts';
import { sync } from './sync-config.ts';

export type { LockPolicy, NoticeMailConfig, RescuePolicy };

/** The sections in the order their settings are validated and their parts appear in the configuration. */
const SECTIONS = [
  server,
  logFormat,
  backup,
  owners,
  tick,
  schedules,
  quota,
  clock,
  rescue,
  login,
  bodies,
  channel,
  noticeMail,
  sync,
] as const;

/** Every setting's name, across the sections. */
type SettingName = { [S in (typeof SECTIONS)[number] as keyof S['settings']]: true } extends infer A ? keyof A : never;

/** What a caller (the CLI) may override; strings are accepted as typed on a command line. */
export type ConfigOverrides = Partial<Record<SettingName, string | number | undefined>>;

export type CenterConfig = ServerConfig &
  BackupConfig &
  OwnerConfig &
  Pick<ProcessConfig, 'tickMs'> &
  ScheduleConfig &
  QuotaConfig &
  Pick<ProcessConfig, 'clock'> & { rescue: RescuePolicy; login: LockPolicy; sync: LockPolicy } & Pick<ProcessConfig, 'bodies'> &
  ChannelConfig & { noticeMail: NoticeMailConfig | null; smtpPassword: string | null };

const CONFIG = new ConfigSections<CenterConfig>('center', SECTIONS);

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): CenterConfig {
  return CONFIG.load(overrides, env);
}

/** The configuration as JSON for `center config`, with every declared secret masked (server-kit's setting.ts). */
export function printConfig(config: CenterConfig): string {
  return CONFIG.print(config);
}

/** The names of the settings declared secret, for tests that check none leaks. */
export function secretSettings(): string[] {
  return CONFIG.secrets();
}

/** Every PHONESAFE_* variable the center reads a setting from (the CLI names them when a setting is typed as a flag). */
export function settingVariables(): string[] {
  return CONFIG.variables();
}
