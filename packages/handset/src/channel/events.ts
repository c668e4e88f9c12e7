import type { DataKind, ErrorCode, NgReason, SyncReason } from '@phonesafe/protocol';
import type { BackupTrigger } from '../backup/backup-types.ts';

/**
 * What `agent.run` reports: every happening on the live channel is one of
 * these. The loop itself never prints. This is the one vocabulary from the
 * library to the CLI: `phonesafe handset run --json` prints each event as
 * it is, with `at` (the time) in front, and the demo, the end-to-end tests
 * and users read those lines. So names, fields and their order are a
 * contract: a change here changes that output.
 */
/** The automatic sync triggers' reasons (sync/auto-sync.ts). */
export type AutoReason = Extract<SyncReason, 'periodic' | 'update' | 'threshold' | 'idle' | 'low-battery'>;

export type ChannelEvent =
  /** `center`: the channel's URL. */
  | { event: 'connected'; center: string }
  /** The connection closed or could not be made; the next attempt is in `reconnectInSeconds` (to a tenth). */
  | { event: 'disconnected'; reason: string; reconnectInSeconds: number }
  /** `schedule` in the settings' text form (scheduleText), e.g. weekly@0@03:00 or none. */
  | { event: 'schedule-registered'; schedule: string; nextRunAt: string | null }
  | { event: 'schedule-failed'; code: ErrorCode; detail: string }
  /** A B3 backup start request arrived; `kinds` null: the settings' targets. */
  | { event: 'backup-start'; requestId: string; jobId: string; attempt: number; kinds: DataKind[] | null }
  | { event: 'answered'; requestId: string; jobId: string; attempt: number | null; answer: 'OK' | 'NG'; reason: NgReason | null }
  | {
      event: 'backup-committed';
      trigger: BackupTrigger;
      /** The kinds the backup covered (declared to the center). */
      kinds: DataKind[];
      jobId: string | null;
      backupId: string;
      files: number;
      sentBytes: number;
      committedAt: string;
    }
  | { event: 'backup-failed'; jobId: string | null; code: ErrorCode; detail: string }
  | { event: 'restore-applied'; restoreId: string; backupId: string; restored: number; alreadyThere: number; skipped: number }
  /** A restore order could not be applied (`restoreId`; reported to the center, which offers it again later), or the orders could not be listed (null). */
  | { event: 'restore-failed'; restoreId: string | null; code: ErrorCode; detail: string }
  /** R2: the center asked for a rescue save; it starts at once, busy or idle (the handset never answers NG to a rescue). */
  | { event: 'rescue-save'; rescueId: string; requestId: string }
  /** The rescue's backup is committed (or was already: `again`). */
  | { event: 'rescue-saved'; rescueId: string; backupId: string; files: number; again: boolean }
  /** The saved versions are erased and the erase reported; `keptItems` changed after the snapshot and stay. */
  | { event: 'rescue-erased'; rescueId: string; backupId: string; erasedItems: number; keptItems: number; again: boolean }
  /** A rescue save or erase did not happen (or its report did not reach the center); the center asks again on the next connection. */
  | { event: 'rescue-failed'; rescueId: string; step: 'save' | 'erase'; code: ErrorCode; detail: string }
  /** The center ignored one of our messages (e.g. an answer after it stopped waiting). */
  | { event: 'refused'; requestId: string | null; code: string; detail: string }
  /** A frame that did not validate; it was ignored. */
  | { event: 'invalid-message'; detail: string }
  /** The center revoked the credential (by the owner, or after a rescue erase): the enrollment and the owner's key are deleted; the loop ends. */
  | { event: 'revoked'; detail: string }
  /** SIM sync: another terminal of `number` uploaded; this handset has `pendingDown` changes waiting for it (a reminder, R-S6.8). */
  | { event: 'sync-pending'; number: string; seq: number }
  /** S6: an automatic trigger synced (`uploaded` and `downloaded` count changes, deletions included). */
  | {
      event: 'sync-done';
      reason: AutoReason;
      number: string;
      uploaded: number;
      downloaded: number;
      cursor: number;
      /** S10: a cap stopped the session; the rest goes at the next idle time. */
      capped: boolean;
    }
  /** S6: an automatic trigger's sync did not run or failed; the changes stay pending. */
  | { event: 'sync-failed'; reason: AutoReason; code: string; detail: string }
  /** S6 [0042]: a trigger is due but the owner's permission comes first (`handset sync` gives it); nothing was sent. */
  | { event: 'sync-ask'; reason: AutoReason; pendingUp: number }
  /** R-S6.8: changes on this handset are not reflected at the center. */
  | { event: 'sync-reminder'; pendingUp: number }
  /** S11: the battery is at or below `sync.lowBattery`: the owner told before the upload, or after it. */
  | { event: 'sync-low-battery'; when: 'before' | 'after'; battery: number; pendingUp: number }
  | { event: 'stopped' };

export type ChannelEventName = ChannelEvent['event'];

export type EventSink = (event: ChannelEvent) => void;

/** A reconnect delay as the events give it: seconds, to a tenth. */
export function inSeconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
