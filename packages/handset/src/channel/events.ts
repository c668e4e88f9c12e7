import type { ErrorCode, NgReason, ScheduleSpec } from '@phonesafe/protocol';
import type { BackupResult, RestoreResult } from '../types.ts';

/**
 * What `agent.run` reports, for the CLI to print. The loop itself never
 * prints; every happening on the channel is one of these.
 */
export type ChannelEvent =
  | { type: 'connected'; url: string }
  /** The connection closed or could not be made; the next attempt is in `retryInMs`. */
  | { type: 'disconnected'; reason: string; retryInMs: number }
  /** A B3 backup start request arrived. */
  | { type: 'request'; requestId: string; jobId: string; attempt: number; kinds?: string[] }
  | { type: 'answered'; requestId: string; jobId: string; answer: 'OK' | 'NG'; reason?: NgReason }
  | { type: 'backup-done'; jobId: string; result: BackupResult }
  | { type: 'backup-failed'; jobId: string; code: ErrorCode; detail: string }
  | { type: 'restore-applied'; result: RestoreResult }
  /** A restore order could not be applied (`restoreId`; reported to the center), or the orders could not be listed (no id). */
  | { type: 'restore-failed'; restoreId?: string; code: ErrorCode; detail: string }
  /** R2: the center asked for a rescue save; it starts at once, busy or idle (the handset never answers NG to a rescue). */
  | { type: 'rescue-save'; requestId: string; rescueId: string }
  /** The rescue's backup is committed (or was already: `again`). */
  | { type: 'rescue-saved'; rescueId: string; backupId: string; files: number; again: boolean }
  /** The saved versions are erased and the erase reported; `keptItems` changed after the snapshot and stay. */
  | { type: 'rescue-erased'; rescueId: string; backupId: string; erasedItems: number; keptItems: number; again: boolean }
  /** A rescue save or erase did not happen (or its report did not reach the center); the center asks again on the next connection. */
  | { type: 'rescue-failed'; rescueId: string; step: 'save' | 'erase'; code: ErrorCode; detail: string }
  | { type: 'schedule-registered'; schedule: ScheduleSpec | null; nextRunAt: string | null }
  | { type: 'schedule-failed'; code: ErrorCode; detail: string }
  /** The center ignored one of our messages (e.g. an answer after it stopped waiting). */
  | { type: 'refused'; requestId?: string | undefined; code: string; detail: string }
  /** A frame that did not validate; it was ignored. */
  | { type: 'invalid-message'; detail: string }
  /** The center revoked the credential (by the owner, or after a rescue erase): the enrollment and the owner's key are deleted; the loop ends. */
  | { type: 'revoked'; detail: string }
  | { type: 'stopped' };

export type EventSink = (event: ChannelEvent) => void;
