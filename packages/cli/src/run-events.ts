/**
 * What `phonesafe handset run` prints: one event per line, as text or (with
 * --json) as one JSON object per line. The demo and the end-to-end tests
 * read the JSON form, so this type is the contract of that output.
 */
export type RunEvent = { at: string } & (
  | { event: 'connected'; center: string }
  | { event: 'disconnected'; reason: string; reconnectInSeconds: number }
  | { event: 'schedule-registered'; schedule: string; nextRunAt: string | null }
  | { event: 'schedule-failed'; code: string; detail: string }
  | { event: 'backup-start'; requestId: string; jobId: string; attempt: number; kinds: string[] | null }
  | { event: 'answered'; requestId: string; jobId: string; attempt: number | null; answer: 'OK' | 'NG'; reason: string | null }
  | {
      event: 'backup-committed';
      trigger: string;
      jobId: string | null;
      backupId: string;
      files: number;
      sentBytes: number;
      committedAt: string;
    }
  | { event: 'backup-failed'; jobId: string | null; code: string; detail: string }
  | { event: 'restore-applied'; restoreId: string; backupId: string; restored: number; alreadyThere: number; skipped: number }
  /** `restoreId` null: the pending orders could not be listed. A named order was reported to the center, which offers it again later. */
  | { event: 'restore-failed'; restoreId: string | null; code: string; detail: string }
  /** Seed 004: the rescue desk asked this handset to save all of its memory (R2). */
  | { event: 'rescue-save'; rescueId: string; requestId: string }
  /** `again`: the save was already committed (a repeated request). */
  | { event: 'rescue-saved'; rescueId: string; backupId: string; files: number; again: boolean }
  /** What was saved is erased from the handset's memory and reported; `keptItems` changed after the save and stay. */
  | { event: 'rescue-erased'; rescueId: string; backupId: string; erasedItems: number; keptItems: number; again: boolean }
  /** The save or erase did not happen (or its report did not arrive); the center asks again on the next connection. */
  | { event: 'rescue-failed'; rescueId: string; step: 'save' | 'erase'; code: string; detail: string }
  | { event: 'refused'; requestId: string | null; code: string; detail: string }
  | { event: 'invalid-message'; detail: string }
  /** The center revoked the credential (the owner revoked the handset, or after a rescue erase): the handset forgot its enrolment and key; `run` ends (exit 3). */
  | { event: 'revoked'; detail: string }
  | { event: 'stopped' }
);

export type RunEventName = RunEvent['event'];
