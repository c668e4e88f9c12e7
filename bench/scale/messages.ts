/**
 * IPC between run.ts (parent) and worker.ts (one process holding many
 * handset agents). Times are wall-clock milliseconds with sub-ms precision
 * (`performance.timeOrigin + performance.now()`), comparable across the
 * processes of this machine.
 */

export interface HandsetPlan {
  /** 0-based, unique over the whole run. */
  index: number;
  name: string;
  owner: string;
  dir: string;
}

export type ToWorker =
  | {
      type: 'setup';
      url: string;
      /** PHONESAFE_CLOCK value shared with the center. */
      clockSpec: string;
      password: string;
      contacts: number;
      handsets: HandsetPlan[];
      /** Handsets set up at once in this worker (enrolment costs two scrypts client-side). */
      concurrency: number;
    }
  /** Set `triggers.schedule` (registered at the center) on every handset. */
  | { type: 'schedule'; value: string }
  | { type: 'stop' };

/** One happening on a handset's live channel, as the parent needs it. */
export type HandsetEvent =
  | { kind: 'request'; attempt: number; jobId: string }
  | { kind: 'answered'; answer: 'OK' | 'NG'; reason: string | null; jobId: string }
  | { kind: 'done'; jobId: string; backupId: string; sentBytes: number; files: number }
  | { kind: 'failed'; jobId: string; code: string; detail: string }
  | { kind: 'disconnected'; reason: string }
  | { kind: 'refused'; code: string; detail: string };

export type FromWorker =
  | { type: 'setup-progress'; ready: number }
  | { type: 'ready'; ms: number; contactBytes: number; failures: Array<{ name: string; error: string }> }
  | { type: 'scheduled'; registered: number; nextRunAts: string[]; failures: Array<{ name: string; error: string }> }
  | { type: 'event'; h: number; at: number; event: HandsetEvent }
  | {
      type: 'stopped';
      peakRssKiB: number;
      cpuSeconds: number;
      /** Agents whose run had not ended within the stop grace. */
      unfinished: number;
      /** Handsets with a start request and no completed backup since, as they stood before stopping. */
      stuck: Array<{ name: string; lastEvent: string; pendingParts: number; pendingVersions: number; lastBackup: string | null }>;
    }
  | { type: 'error'; error: string };

export const wallNow = (): number => performance.timeOrigin + performance.now();
