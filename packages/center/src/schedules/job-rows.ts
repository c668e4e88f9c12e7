/** Mapping between job rows and the `jobs` table, shared by the job and schedule repositories. */
import type { NgReason, RetryPolicy } from '@phonesafe/protocol';
import type { Updateable } from 'kysely';
import type { JobRow, JobUpdate } from './job-repo.ts';
import type { JobsTable } from './schedule-tables.ts';

export function toJob(row: JobsTable): JobRow {
  return {
    id: row.id,
    ownerId: row.owner_id,
    handsetId: row.handset_id,
    status: row.status,
    attempt: row.attempt,
    dueAt: row.due_at,
    requestId: row.request_id,
    answerBy: row.answer_by,
    runDeadline: row.run_deadline,
    reasons: JSON.parse(row.reasons) as NgReason[],
    retry: JSON.parse(row.retry) as RetryPolicy,
    backupId: row.backup_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function jobValues(job: JobRow): JobsTable {
  return {
    id: job.id,
    owner_id: job.ownerId,
    handset_id: job.handsetId,
    status: job.status,
    attempt: job.attempt,
    due_at: job.dueAt,
    request_id: job.requestId,
    answer_by: job.answerBy,
    run_deadline: job.runDeadline,
    reasons: JSON.stringify(job.reasons),
    retry: JSON.stringify(job.retry),
    backup_id: job.backupId,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
  };
}

/** Only the columns the update names; an absent field stays as it is. */
export function jobChanges(update: JobUpdate): Updateable<JobsTable> {
  const changes: Updateable<JobsTable> = { updated_at: update.updatedAt };
  if (update.status !== undefined) changes.status = update.status;
  if (update.attempt !== undefined) changes.attempt = update.attempt;
  if (update.dueAt !== undefined) changes.due_at = update.dueAt;
  if (update.requestId !== undefined) changes.request_id = update.requestId;
  if (update.answerBy !== undefined) changes.answer_by = update.answerBy;
  if (update.runDeadline !== undefined) changes.run_deadline = update.runDeadline;
  if (update.reasons !== undefined) changes.reasons = JSON.stringify(update.reasons);
  if (update.backupId !== undefined) changes.backup_id = update.backupId;
  return changes;
}
