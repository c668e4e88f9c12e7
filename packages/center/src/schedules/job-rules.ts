/**
 * The job state machine of live-channel.md as pure functions from a job and
 * "now" to the update a transition applies. The repository applies them
 * conditionally, so these never need to know about races.
 */
import type { BackupStartRequest, NgReason, RetryPolicy } from '@phonesafe/protocol';
import type { JobRow, JobUpdate } from './job-repo.ts';

const SECOND = 1000;

export function newJob(input: { id: string; ownerId: string; handsetId: string; retry: RetryPolicy; now: Date }): JobRow {
  const at = input.now.toISOString();
  return {
    id: input.id,
    ownerId: input.ownerId,
    handsetId: input.handsetId,
    status: 'pending',
    attempt: 1,
    dueAt: at,
    requestId: null,
    answerBy: null,
    runDeadline: null,
    reasons: [],
    retry: input.retry,
    backupId: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** pending → requested: a fresh single-use request id, answered within the policy's timeout. */
export function requested(job: JobRow, requestId: string, now: Date): JobUpdate {
  return {
    status: 'requested',
    requestId,
    answerBy: new Date(now.getTime() + job.retry.answerTimeoutSeconds * SECOND).toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** requested → running on OK: the transfer must end by the deadline. */
export function running(now: Date, transferTimeoutMs: number): JobUpdate {
  return { status: 'running', runDeadline: new Date(now.getTime() + transferTimeoutMs).toISOString(), updatedAt: now.toISOString() };
}

/** Any NG (answered, silence, dropped socket, failed transfer): retry after the interval, or give up after maxTries. */
export function failed(job: JobRow, reason: NgReason, now: Date): JobUpdate {
  const reasons = [...job.reasons, reason];
  const updatedAt = now.toISOString();
  if (job.attempt >= job.retry.maxTries) return { status: 'gave-up', reasons, answerBy: null, runDeadline: null, updatedAt };
  return {
    status: 'pending',
    attempt: job.attempt + 1,
    dueAt: new Date(now.getTime() + job.retry.intervalSeconds * SECOND).toISOString(),
    answerBy: null,
    runDeadline: null,
    reasons,
    updatedAt,
  };
}

export function done(backupId: string, now: Date): JobUpdate {
  return { status: 'done', backupId, updatedAt: now.toISOString() };
}

/** The B3 start request for a job just claimed. */
export function startRequest(job: JobRow): BackupStartRequest {
  if (job.requestId === null || job.answerBy === null) throw new Error(`job ${job.id} has not been requested`);
  return { type: 'backup-start', requestId: job.requestId, jobId: job.id, attempt: job.attempt, answerBy: job.answerBy };
}
