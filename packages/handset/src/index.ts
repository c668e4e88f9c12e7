/**
 * @phonesafe/handset: the phone-side agent library. The CLI and any other
 * host code against this surface only.
 */
export { HandsetAgent, type AgentOptions } from './agent.ts';
export type { ConnectCenter, EnrollRequest } from './identity/enroll.ts';
export type { LocalHistoryEntry } from './history/history-store.ts';
export type { HandsetSettings, LastBackup } from './settings/settings.ts';
export type {
  AskOverwrite,
  BackupOptions,
  BackupResult,
  ExportResult,
  HandsetStatus,
  ImportResult,
  OverwriteAnswer,
  ProgressFn,
  RestoreOptions,
  RestoreResult,
} from './types.ts';
