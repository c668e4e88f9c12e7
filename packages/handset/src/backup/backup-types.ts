import type { BackupTrigger, DataKind, ErrorCode } from '@phonesafe/protocol';
import type { ProgressFn } from '../util/progress.ts';

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

/**
 * A backup a trigger started (size, power-on, a center request). Its failure
 * is a result, not an exception: the save or power-on that triggered it has
 * succeeded, and e.g. QUOTA_EXCEEDED (the center's NG of B4) is news for the
 * owner, not a crash.
 */
export type TriggeredBackup =
  { trigger: BackupTrigger; ok: true; result: BackupResult } | { trigger: BackupTrigger; ok: false; code: ErrorCode; detail: string };
