/**
 * The backup's lifecycle as other capabilities see it (the consumer-facing
 * port; backup knows none of its subscribers, app.ts subscribes them):
 *
 * - `starting`: a start request arrives. Each subscriber checks the fields it
 *   owns (`validate`, before anything is read), then `claim`s the request
 *   when it names something of its own (a job, a rescue) — throwing refuses
 *   the start. A claim hears when the backup opened, or when the start failed
 *   after it was claimed.
 * - `committed`: the backup committed. Subscribers run after the commit and
 *   cannot undo it: one that throws is logged with its `failure` and the next
 *   one runs.
 * - `failed`: a transfer in progress cannot go on (its parts are refused over
 *   the quota), so what waits for it may give up now.
 */
import type { DataKind, PhoneSafeError } from '@phonesafe/protocol';
import type { HandsetCaller } from '../auth/caller.ts';

/** A start request (`POST /v1/backups`) as the handset sent it. */
export interface StartInput {
  kinds: DataKind[];
  complete?: DataKind[] | undefined;
  trigger: string;
  jobId?: string | undefined;
  rescueId?: string | undefined;
}

/** What a subscriber that claimed a start request hears of it. */
export interface StartClaim {
  /** The backup's data is kept under the claimer's own retention, outside the owner's quota (a rescue save). */
  readonly outsideQuota?: boolean;
  /** The backup opened; link it, so its commit can be recognised. */
  opened(backupId: string): Promise<void>;
  /** The start was refused after the claim (e.g. QUOTA_EXCEEDED). */
  refused?(error: PhoneSafeError): Promise<void>;
}

export interface StartHook {
  /** Throws VALIDATION_FAILED when the request's fields this subscriber owns do not fit together. */
  validate?(request: StartInput): void;
  /** The subscriber's claim on the request, undefined when the request names nothing of its own; throws to refuse the start. */
  claim(handset: HandsetCaller, request: StartInput): Promise<StartClaim | undefined>;
}

export interface BackupCommit {
  backupId: string;
  ownerId: string;
  handsetId: string;
  fileCount: number;
  committedAt: string;
}

export interface CommittedHook {
  /** Logged when `run` throws. */
  readonly failure: string;
  run(backup: BackupCommit): Promise<void>;
}

/** Why a transfer cannot go on. */
export interface FailedTransfer {
  ownerId: string;
  handsetId: string;
  reason: 'over-quota';
}

export type FailedHook = (transfer: FailedTransfer) => Promise<void>;

export interface BackupHooks {
  starting: readonly StartHook[];
  committed: readonly CommittedHook[];
  failed: readonly FailedHook[];
}

/** The lists the composition root subscribes to, empty; each runs in the order subscribed. */
export function backupHookLists(): { starting: StartHook[]; committed: CommittedHook[]; failed: FailedHook[] } {
  return { starting: [], committed: [], failed: [] };
}
