/**
 * @phonesafe/handset: the phone-side agent library. The CLI and any other
 * host code against this surface only.
 */
export { HandsetAgent, type AgentOptions, type ScheduleRegistration, type SettingsUpdate } from './agent.ts';
export type { ChannelEvent, EventSink } from './channel/events.ts';
export type { BackoffOptions } from './channel/backoff.ts';
export type { RunOptions } from './channel/run-loop.ts';
export type { DeviceState } from './device/device-state.ts';
export type { Readiness } from './device/readiness.ts';
export type { ConnectCenter, EnrollRequest } from './identity/enroll.ts';
export type { LocalHistoryEntry } from './history/history-table.ts';
export type { FetchResult } from './offload/fetch.ts';
export type { RescueErased } from './rescue/erase.ts';
export type { RescueSaved } from './rescue/save.ts';
export type { OffloadRequest, OffloadResult, OffloadStep } from './offload/offload.ts';
export type { PendingFailure } from './restore/pending-restores.ts';
export { DEFAULT_SETTINGS, type SettingsPatch, type Targets, type Triggers } from './settings/schema.ts';
export { settingPatch, SETTING_KEYS, type SettingKey } from './settings/setter.ts';
export type { HandsetSettings, LastBackup } from './settings/settings-table.ts';
export { isTarget } from './settings/targets.ts';
export type {
  AskOverwrite,
  BackupOptions,
  BackupResult,
  BackupTrigger,
  ExportResult,
  HandsetStatus,
  ImportResult,
  OverwriteAnswer,
  ProgressFn,
  RestoreOptions,
  RestoreResult,
  StubInfo,
  TriggeredBackup,
} from './types.ts';
