/**
 * The schedules' and jobs' tables as Kysely sees them (live-channel.md);
 * storage-format.md lists their columns. A job is one run of a schedule, so
 * both belong to this capability.
 */
import type { JobStatus } from './job-repo.ts';

export interface SchedulesTable {
  handset_id: string;
  owner_id: string;
  /** ScheduleSpec as JSON, or null when the handset has no schedule. */
  spec: string | null;
  /** The schedule's overrides of the retry policy (Partial<RetryPolicy>) as JSON. */
  retry: string;
  next_run_at: string | null;
  updated_at: string;
}

export interface JobsTable {
  id: string;
  owner_id: string;
  handset_id: string;
  status: JobStatus;
  attempt: number;
  due_at: string;
  request_id: string | null;
  answer_by: string | null;
  run_deadline: string | null;
  /** The NG reason of every failed try, in order, as a JSON array. */
  reasons: string;
  /** The effective RetryPolicy the job was made with, as JSON. */
  retry: string;
  backup_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ScheduleTables {
  schedules: SchedulesTable;
  jobs: JobsTable;
  /** Read only: a revoked handset's schedule is never run (handsets/handset-tables.ts owns it). */
  handsets: { id: string; revoked_at: string | null };
}
