/** The jobs' storage port (live-channel.md). The contracts every repository keeps are stated in center-store.ts. */
import type { NgReason, RetryPolicy } from '@phonesafe/protocol';

/** live-channel.md: pending → requested → running → done, back to pending on a retry, or gave-up; cancelled when the handset is revoked. */
export type JobStatus = 'pending' | 'requested' | 'running' | 'done' | 'gave-up' | 'cancelled';

/**
 * The states in which a handset's job still holds its slot (see JobRepo). The
 * partial unique index `jobs_one_active` of migration 0002 is built from the
 * same list, kept there as its own frozen copy.
 */
export const ACTIVE_JOB_STATES = ['pending', 'requested', 'running'] as const satisfies readonly JobStatus[];

export interface JobRow {
  id: string;
  ownerId: string;
  handsetId: string;
  status: JobStatus;
  /** 1 for the first try. */
  attempt: number;
  dueAt: string;
  /** The single-use id of the last start request sent; answers must carry it. */
  requestId: string | null;
  answerBy: string | null;
  runDeadline: string | null;
  /** Why each failed try failed, oldest first. */
  reasons: NgReason[];
  /** The effective policy, fixed when the job is made. */
  retry: RetryPolicy;
  backupId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The columns a transition may change; `updatedAt` always. */
export type JobUpdate = Partial<
  Pick<JobRow, 'status' | 'attempt' | 'dueAt' | 'requestId' | 'answerBy' | 'runDeadline' | 'reasons' | 'backupId'>
> & {
  updatedAt: string;
};

/** What a transition expects to find; it changes nothing when the row has moved on. */
export interface JobMatch {
  id: string;
  status: JobStatus;
  /** When given, the row's request id must be exactly this. */
  requestId?: string | null;
}

/** The scheduler steps that pick due jobs under row locks. */
export type DueJobs =
  /** pending with due_at <= now */
  | 'due'
  /** requested with answer_by <= now */
  | 'answer-overdue'
  /** running with run_deadline <= now */
  | 'run-overdue';

export interface JobRepo {
  /** Jobs are made only by ScheduleRepo.materialiseDue, which keeps one active job per handset. */
  find(id: string): Promise<JobRow | undefined>;
  /** The job whose last start request was `requestId` and went to this handset, in any state. */
  findByRequest(handsetId: string, requestId: string): Promise<JobRow | undefined>;
  findByBackup(backupId: string): Promise<JobRow | undefined>;
  /** The handset's pending, requested or running job. */
  findActive(handsetId: string): Promise<JobRow | undefined>;
  listByHandset(handsetId: string): Promise<JobRow[]>;
  /**
   * The one way a job changes: `UPDATE … WHERE id = ? AND status = ?
   * [AND request_id = ?]`. Answers the new row, or undefined when the row no
   * longer matches (a stale, duplicate or raced event), having changed nothing.
   */
  transition(match: JobMatch, update: JobUpdate): Promise<JobRow | undefined>;
  /**
   * Steps 2 and 3 of a tick, in one transaction: locks up to `limit` jobs of
   * the `which` kind due at `now` (FOR UPDATE SKIP LOCKED where rows lock, so
   * two centers never take the same job) and applies `decide` to each.
   * Answers the rows as they were and as they are now.
   */
  takeDue(
    which: DueJobs,
    now: string,
    limit: number,
    decide: (job: JobRow) => JobUpdate,
  ): Promise<Array<{ before: JobRow; after: JobRow }>>;
  /** Cancels the handset's active job, if any (a revoked handset's; see schedule-revocation.ts). */
  cancelActive(handsetId: string, at: string): Promise<void>;
}
