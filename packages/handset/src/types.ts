import type { BackupTrigger, DataKind, ErrorCode } from '@phonesafe/protocol';
import type { DeviceState } from './device/device-state.ts';
import type { LastBackup } from './settings/settings.ts';

/**
 * Progress of a long operation; the engine reports, the caller decides how
 * to show it. Phases: 'import', 'export', 'restore', 'upload' (bytes) and
 * 'copy' (items owed a backup copy, at the start of a backup).
 */
export type ProgressFn = (p: { phase: string; done: number; total: number; unit: 'bytes' | 'items' }) => void;

/** An answer to "overwrite this file?"; 'all' and 'none' also answer for the files after it. */
export type OverwriteAnswer = 'yes' | 'no' | 'all' | 'none';
export type AskOverwrite = (path: string) => Promise<OverwriteAnswer>;

export interface HandsetStatus {
  enrolled: boolean;
  handsetId?: string;
  name?: string;
  center?: string;
  owner?: string;
  /** The phone number enrolled with (seed 004: the rescue desk finds the handset by it). */
  phone?: string;
  items: number;
  /** Sealed parts in the backup area, waiting to be sent. */
  pendingParts: number;
  pendingBytes: number;
  /** Item versions saved since the last backup that sent them. */
  pendingVersions: number;
  /** The completion flag: the last backup the center committed. */
  lastBackup?: LastBackup;
  /** Items whose content was moved to the center (B9), listed as stubs; `items` counts them too. */
  stubs: StubInfo[];
  /** The last rescue erase (seed 004): it ended the enrolment, so a handset found again shows why it is not enrolled. */
  rescueErase?: { rescueId: string; at: string };
  device: DeviceState & { writing: boolean };
}

/** An offloaded item as the handset still shows it. */
export interface StubInfo {
  id: string;
  path: string;
  kind: DataKind;
  size: number;
  summary: string;
}

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  /** Bytes of new content written to memory (added and updated items). */
  bytes: number;
  /** The B4 size trigger fired after this save: the backup it ran. */
  sizeBackup?: TriggeredBackup;
}

export interface ExportResult {
  files: number;
  bytes: number;
  /** Offloaded items (B9) not written: their content is at the center; `fetch` brings one back. */
  offloaded: number;
}

/** Why a backup runs: the protocol's list (the start request carries it). */
export type { BackupTrigger };

export interface BackupOptions {
  /** Kinds to back up; all kinds when not given (the owner's "back up now"). */
  kinds?: DataKind[];
  trigger?: 'manual';
  onProgress?: ProgressFn;
}

export interface BackupResult {
  backupId: string;
  trigger: BackupTrigger;
  /** The center's job this backup completed (B3). */
  jobId?: string;
  /** The rescue this backup saved (R2). */
  rescueId?: string;
  /** The kinds the backup declared to the center. */
  kinds: DataKind[];
  files: number;
  /** Parts uploaded by this run (a resumed run does not count what an earlier one sent). */
  sentParts: number;
  sentBytes: number;
  /** Parts of the generation the center already held. */
  reusedParts: number;
  /** Sealed bytes the backup references at the center (from the completion notice). */
  storedBytes: number;
  committedAt: string;
  /**
   * Offloaded items (B9) left out of this backup because the center no
   * longer holds their content: they stay stubs but cannot be fetched; the
   * owner should know. Absent when none.
   */
  lostStubs?: string[];
}

export interface RestoreOptions {
  /** One backup to restore; without it, the newest version of each item across `fromHandset`'s backups. */
  backupId?: string;
  /** The handset whose backups to restore from (without `backupId`); this handset when not given. */
  fromHandset?: string;
  kinds?: DataKind[];
  overwrite: 'ask' | 'yes' | 'no';
  ask?: AskOverwrite;
  onProgress?: ProgressFn;
  /** Told of each pending order (applied first) that could not be applied; the restore goes on. */
  onPendingFailed?: (failure: PendingFailure) => void;
}

/**
 * A pending restore order that could not be applied. `reported`: the center
 * was told (its code only) and offers it again after a backoff; otherwise it
 * stays due and is tried at the next contact (the center out of reach, or an
 * order that must ask the owner and could not).
 */
export interface PendingFailure {
  restoreId: string;
  backupId: string;
  code: ErrorCode;
  detail: string;
  reported: boolean;
}

export interface RestoreResult {
  backupId: string;
  restoreId: string;
  /** Files written to memory. */
  restored: number;
  /** Files left alone because the owner refused to overwrite them. */
  skipped: number;
  skippedPaths: string[];
  /** Files the handset already held with the backed-up content. */
  alreadyThere: number;
}

/**
 * A backup a trigger started (size, power-on, a center request). Its failure
 * is a result, not an exception: the save or power-on that triggered it has
 * succeeded, and e.g. QUOTA_EXCEEDED (the center's NG of B4) is news for the
 * owner, not a crash.
 */
export type TriggeredBackup =
  { trigger: BackupTrigger; ok: true; result: BackupResult } | { trigger: BackupTrigger; ok: false; code: ErrorCode; detail: string };
