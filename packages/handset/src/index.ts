/**
 * @phonesafe/handset: the phone-side agent library. The CLI and any other
 * host code against this surface only.
 */
export { HandsetAgent, type AgentOptions, type OpenOptions } from './agent.ts';
export type { BackupOptions, BackupResult, BackupTrigger, TriggeredBackup } from './backup/backup-types.ts';
export type { ChannelEvent, ChannelEventName, EventSink } from './channel/events.ts';
export type { BackoffOptions } from './channel/backoff.ts';
export type { RunOptions } from './channel/run-loop.ts';
export type { DeviceReport, DeviceView } from './device/device.ts';
export type { DeviceState } from './device/device-state.ts';
export type { Readiness } from './device/readiness.ts';
export type { ConnectCenter, EnrollRequest } from './identity/enroll.ts';
export type { EnrollResult } from './identity/enrollment.ts';
export type { LocalHistoryEntry } from './history/history-table.ts';
export type { ExportResult, ImportResult } from './memory/import-export.ts';
export type { FetchResult } from './offload/fetch.ts';
export type { RescueErased } from './rescue/erase.ts';
export type { RescueSaved } from './rescue/save.ts';
export type { OffloadRequest, OffloadResult, OffloadStep } from './offload/offload.ts';
export type { AskOverwrite, OverwriteAnswer } from './restore/overwrite.ts';
export type { PendingFailure, RestoreOptions, RestoreResult } from './restore/restore-types.ts';
export { DEFAULT_SETTINGS, type SettingsPatch, type Targets, type Triggers } from './settings/schema.ts';
export { settingPatch, SETTING_KEYS, type SettingKey } from './settings/setter.ts';
export type { ScheduleRegistration, SettingsUpdate } from './settings/settings.ts';
export type { HandsetSettings, LastBackup } from './settings/settings-table.ts';
export { describeTargets, isTarget } from './settings/targets.ts';
export { automaticBackups, type AutomaticBackups, type HandsetStatus, type StubInfo } from './status.ts';
export type { ProgressFn } from './util/progress.ts';
export { AuthDevice, createAuthDevice, type DeviceView as AuthDeviceView } from './authdev/auth-device.ts';
export type { Wallet, WalletEntry, WalletStatus } from './wallet/wallet.ts';
export type { WalletAuto, WalletEvent } from './wallet/auto.ts';
export type { WalletLoopOptions } from './wallet/auto-loop.ts';
export { AUTO_KEYS, SHORTAGE_POLICIES, type AutoSettings } from './wallet/auto-settings.ts';
export type { Deposited } from './wallet/registration.ts';
export type { DividedDeposit } from './wallet/divided.ts';
export type { CoupleOrder } from './wallet/coupling.ts';
export type { Recovered } from './wallet/recovery.ts';
export type { ListFilter } from './wallet/wallet-values.ts';
export type { PinnedSafe } from './card/card-journal.ts';
export type { HandsetMailSettings, HandsetPairing } from './mail/mail-pairing.ts';
export type { PollOptions, PollResult } from './mail/mail-responder.ts';
export type { MailLoopOptions } from './mail/mail-loop.ts';
export type { MailLogEntry } from './mail/mail-state.ts';
export { createSim, readSim, unblockPin, type SimView } from './sim/sim-card.ts';
export type { BindMode } from './sync/sync-records.ts';
export type { BindRequest, SimStatus, Syncs, TriggeredSync } from './sync/syncs.ts';
export type { SyncResult } from './sync/sync-types.ts';
export type { ErasePlan, EraseResult } from './sync/erase.ts';
