/** The schedules' storage port (B1, B3). The contracts every repository keeps are stated in center-store.ts. */
import type { RetryPolicy, ScheduleSpec } from '@phonesafe/protocol';
import type { JobRow } from './job-repo.ts';

export interface ScheduleRow {
  handsetId: string;
  ownerId: string;
  spec: ScheduleSpec | null;
  /** This handset's overrides of the center's default retry policy. */
  retry: Partial<RetryPolicy>;
  nextRunAt: string | null;
  updatedAt: string;
}

export interface ScheduleRepo {
  find(handsetId: string): Promise<ScheduleRow | undefined>;
  /** Inserts or replaces the handset's schedule. */
  put(row: ScheduleRow): Promise<void>;
  /**
   * Step 1 of a scheduler tick, in one transaction: locks up to `limit`
   * schedules with next_run_at <= now of handsets not revoked (skipping rows another center holds),
   * asks `plan` for each, inserts its job unless the handset already has an
   * active one, and moves next_run_at to the planned value. Answers the jobs made.
   */
  materialiseDue(now: string, limit: number, plan: (schedule: ScheduleRow) => { job: JobRow; nextRunAt: string | null }): Promise<JobRow[]>;
  /** Sets spec and next_run_at to null if the spec is still `spec` (a `once` that has run). */
  clearIfSpec(handsetId: string, spec: ScheduleSpec, at: string): Promise<boolean>;
  /** Sets spec and next_run_at to null, whatever the spec (a revoked handset's; see schedule-revocation.ts). */
  clear(handsetId: string, at: string): Promise<void>;
}
