/**
 * The job steps of the scheduler tick (live-channel.md): materialise due
 * schedules into jobs, expire unanswered requests and overrunning transfers,
 * claim due jobs and publish their start requests. Each step drains its rows
 * in transactions of BATCH, under row locks taken with SKIP LOCKED.
 */
import type { Clock, NgReason, RetryPolicy } from '@phonesafe/protocol';
import { newId } from '../ids.ts';
import type { Logger } from '../logging/logger.ts';
import type { PushBus } from '../push/push-bus.ts';
import type { TickStep } from '../scheduler/scheduler.ts';
import type { DueJobs, JobRepo, JobRow, JobUpdate } from './job-repo.ts';
import { failed, newJob, requested, startRequest } from './job-rules.ts';
import type { JobService } from './job-service.ts';
import { nextRun } from './next-run.ts';
import { effectiveRetry } from './retry-policy.ts';
import type { ScheduleRepo } from './schedule-repo.ts';

/** Rows per transaction: keeps each one short; a tick loops until a step is drained. */
const BATCH = 100;

export interface JobTickDeps {
  schedules: Pick<ScheduleRepo, 'materialiseDue'>;
  jobs: Pick<JobRepo, 'takeDue'>;
  jobService: Pick<JobService, 'notifyIfGaveUp'>;
  bus: Pick<PushBus, 'publish'>;
  clock: Clock;
  defaultRetry: RetryPolicy;
  log: Logger;
}

/** The three job steps, in the order the tick runs them: `made`, `expired`, `requested`. */
export function jobTickSteps(deps: JobTickDeps): TickStep[] {
  return [
    { name: 'made', run: (now) => materialise(deps, now) },
    {
      name: 'expired',
      run: async (now) =>
        (await expire(deps, 'answer-overdue', 'no-answer', now)) + (await expire(deps, 'run-overdue', 'transfer-failed', now)),
    },
    { name: 'requested', run: (now) => claim(deps, now) },
  ];
}

/** Step 1. next_run_at moves to the first slot after now, so slots missed while no center ran give one job. */
async function materialise(deps: JobTickDeps, now: Date): Promise<number> {
  const at = now.toISOString();
  let made = 0;
  for (;;) {
    let seen = 0;
    const jobs = await deps.schedules.materialiseDue(at, BATCH, (schedule) => {
      seen += 1;
      return {
        job: newJob({
          id: newId(),
          ownerId: schedule.ownerId,
          handsetId: schedule.handsetId,
          retry: effectiveRetry(deps.defaultRetry, schedule.retry),
          now,
        }),
        nextRunAt: schedule.spec === null ? null : (nextRun(schedule.spec, now)?.toISOString() ?? null),
      };
    });
    made += jobs.length;
    if (seen < BATCH) return made;
  }
}

/** Step 2: silence past answerBy, or a transfer past its deadline, is an NG. */
async function expire(deps: JobTickDeps, which: DueJobs, reason: NgReason, now: Date): Promise<number> {
  const taken = await drain(deps, which, now, (job) => failed(job, reason, now));
  for (const { after } of taken) await deps.jobService.notifyIfGaveUp(after);
  return taken.length;
}

/** Step 3: due jobs become requested, and their start request goes out on the push bus. */
async function claim(deps: JobTickDeps, now: Date): Promise<number> {
  const claimed = await drain(deps, 'due', now, (job) => requested(job, newId(), now));
  for (const { after } of claimed) {
    // A lost publish is not fatal: the job's answer timeout turns it into a retry.
    await deps.bus.publish(after.handsetId, startRequest(after)).catch((error: unknown) => {
      deps.log.warn({ err: error, jobId: after.id }, 'could not publish a backup start request');
    });
  }
  return claimed.length;
}

async function drain(deps: JobTickDeps, which: DueJobs, now: Date, decide: (job: JobRow) => JobUpdate) {
  const all: Array<{ before: JobRow; after: JobRow }> = [];
  for (;;) {
    const taken = await deps.jobs.takeDue(which, now.toISOString(), BATCH, decide);
    all.push(...taken);
    if (taken.length < BATCH) return all;
  }
}
