/**
 * The scheduler tick of live-channel.md: materialise → expire → claim (then
 * the rescue sweep and forgetting old wrong tries), each
 * step a transaction over rows locked with SKIP LOCKED, so any number of
 * centers can tick against one database and every job is taken by one. "Now"
 * comes from the injected Clock; tests call tick() directly.
 */
import type { Clock, NgReason, RetryPolicy } from '@phonesafe/protocol';
import { forgetStaleTries } from '../auth/lockout.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logging/logger.ts';
import type { PushBus } from '../push/push-bus.ts';
import { nextRun } from '../schedules/next-run.ts';
import { effectiveRetry } from '../schedules/retry-policy.ts';
import type { DueJobs, JobRepo, JobRow, JobUpdate, ScheduleRepo, WrongTryRepo } from '../store/store.ts';
import { failed, newJob, requested, startRequest } from './job-rules.ts';
import type { JobService } from './job-service.ts';

/** Rows per transaction: keeps each one short; a tick loops until a step is drained. */
const BATCH = 100;

export interface SchedulerDeps {
  schedules: Pick<ScheduleRepo, 'materialiseDue'>;
  jobs: Pick<JobRepo, 'takeDue'>;
  jobService: Pick<JobService, 'notifyIfGaveUp'>;
  bus: Pick<PushBus, 'publish'>;
  clock: Clock;
  defaultRetry: RetryPolicy;
  log: Logger;
  /** The rescue desk's step (R4 expiry, R5 window). */
  rescues: { sweep(now: Date): Promise<number> };
  wrongTries: Pick<WrongTryRepo, 'deleteStale'>;
}

export interface TickReport {
  made: number;
  expired: number;
  requested: number;
  /** Rescues warned, expired or given up. */
  rescues: number;
}

export class Scheduler {
  readonly #deps: SchedulerDeps;
  #inFlight: Promise<TickReport> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** One tick; a call while one runs joins it rather than overlapping it. */
  tick(): Promise<TickReport> {
    this.#inFlight ??= this.#tick().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  /** Ticks every `intervalMs` of real time (0: never; tests tick by hand). */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.#deps.log.error({ err: error }, 'scheduler tick failed'));
    }, intervalMs);
  }

  /** Stops ticking and waits for a tick in flight, so the store can close after. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#inFlight?.catch(() => {});
  }

  async #tick(): Promise<TickReport> {
    const now = this.#deps.clock.now();
    const made = await this.#materialise(now);
    const expired = (await this.#expire('answer-overdue', 'no-answer', now)) + (await this.#expire('run-overdue', 'transfer-failed', now));
    const claimed = await this.#drain('due', now, (job) => requested(job, newId(), now));
    for (const { after } of claimed) {
      // A lost publish is not fatal: the job's answer timeout turns it into a retry.
      await this.#deps.bus.publish(after.handsetId, startRequest(after)).catch((error: unknown) => {
        this.#deps.log.warn({ err: error, jobId: after.id }, 'could not publish a backup start request');
      });
    }
    const rescues = await this.#deps.rescues.sweep(now);
    await forgetStaleTries(this.#deps.wrongTries, now);
    return { made, expired, requested: claimed.length, rescues };
  }

  /** Step 1. next_run_at moves to the first slot after now, so slots missed while no center ran give one job. */
  async #materialise(now: Date): Promise<number> {
    const at = now.toISOString();
    let made = 0;
    for (;;) {
      let seen = 0;
      const jobs = await this.#deps.schedules.materialiseDue(at, BATCH, (schedule) => {
        seen += 1;
        return {
          job: newJob({
            id: newId(),
            ownerId: schedule.ownerId,
            handsetId: schedule.handsetId,
            retry: effectiveRetry(this.#deps.defaultRetry, schedule.retry),
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
  async #expire(which: DueJobs, reason: NgReason, now: Date): Promise<number> {
    const taken = await this.#drain(which, now, (job) => failed(job, reason, now));
    for (const { after } of taken) await this.#deps.jobService.notifyIfGaveUp(after);
    return taken.length;
  }

  async #drain(which: DueJobs, now: Date, decide: (job: JobRow) => JobUpdate): Promise<Array<{ before: JobRow; after: JobRow }>> {
    const all: Array<{ before: JobRow; after: JobRow }> = [];
    for (;;) {
      const taken = await this.#deps.jobs.takeDue(which, now.toISOString(), BATCH, decide);
      all.push(...taken);
      if (taken.length < BATCH) return all;
    }
  }
}
