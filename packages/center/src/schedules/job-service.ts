/**
 * What happens to a job outside the scheduler's tick: the handset's answer on
 * the channel, a dropped channel, and the backup that answers the job. Every
 * change is a conditional transition, so an answer that arrives twice, late,
 * or from the wrong handset changes nothing and is refused.
 */
import { PhoneSafeError, type BackupFailedReport, type BackupStartAnswer, type Clock, type NgReason } from '@phonesafe/protocol';
import type { HandsetRepo } from '../handsets/handset-repo.ts';
import type { JobRepo, JobRow } from './job-repo.ts';
import type { ScheduleRepo } from './schedule-repo.ts';
import type { Notifier } from '../notices/notifier.ts';
import { done, failed, running } from './job-rules.ts';

export interface JobServiceDeps {
  jobs: Pick<JobRepo, 'find' | 'findByRequest' | 'findByBackup' | 'findActive' | 'transition'>;
  schedules: Pick<ScheduleRepo, 'find' | 'clearIfSpec'>;
  handsets: Pick<HandsetRepo, 'findById'>;
  notifier: Notifier;
  clock: Clock;
  transferTimeoutMs: number;
}

/** An NG without a reason: the handset said no without saying why; treat it as busy. */
const UNSAID_REASON: NgReason = 'operating';

export class JobService {
  readonly #deps: JobServiceDeps;

  constructor(deps: JobServiceDeps) {
    this.#deps = deps;
  }

  /** A backup-start answer from `handsetId`. Throws NOT_FOUND unless its request is this handset's and still waiting. */
  async answer(handsetId: string, answer: BackupStartAnswer): Promise<JobRow> {
    const job = await this.#deps.jobs.findByRequest(handsetId, answer.requestId);
    if (!job || job.status !== 'requested') throw notWaiting(answer.requestId);
    const changed =
      answer.answer === 'OK'
        ? await this.#deps.jobs.transition(matchOf(job), running(this.#deps.clock.now(), this.#deps.transferTimeoutMs))
        : await this.fail(job, answer.reason ?? UNSAID_REASON);
    // The row moved between the read and the update (timeout, another center): the answer came too late.
    if (!changed) throw notWaiting(answer.requestId);
    return changed;
  }

  /**
   * The handset gave up on the transfer it had said OK to: NG transfer-failed
   * now rather than at the transfer deadline. Throws NOT_FOUND unless the
   * request is this handset's and its job is still running.
   */
  async transferFailed(handsetId: string, report: BackupFailedReport): Promise<JobRow> {
    const job = await this.#deps.jobs.findByRequest(handsetId, report.requestId);
    const changed = job?.status === 'running' ? await this.fail(job, 'transfer-failed') : undefined;
    if (!changed) throw new PhoneSafeError('NOT_FOUND', `no running job for request ${report.requestId}`);
    return changed;
  }

  /** NG: retry after the interval, or give up and tell the owner. Undefined when the job had already moved on. */
  async fail(job: JobRow, reason: NgReason): Promise<JobRow | undefined> {
    const changed = await this.#deps.jobs.transition(matchOf(job), failed(job, reason, this.#deps.clock.now()));
    if (changed) await this.notifyIfGaveUp(changed);
    return changed;
  }

  /** The center refused the parts of the handset's transfer (over quota): its running job, if any, fails now. */
  async transferRefused(handsetId: string, reason: NgReason): Promise<void> {
    const job = await this.#deps.jobs.findActive(handsetId);
    if (job?.status === 'running') await this.fail(job, reason);
  }

  /** The handset's channel closed: a transfer it had agreed to will not come (live-channel.md). */
  async disconnected(handsetId: string): Promise<void> {
    const job = await this.#deps.jobs.findActive(handsetId);
    if (job?.status === 'running') await this.fail(job, 'disconnected');
  }

  /**
   * The job a `POST /v1/backups` with `jobId` answers: this handset's, and
   * running (it said OK). A job still `requested` counts as answered OK: the
   * handset sends OK on its channel and opens the backup over HTTP at once,
   * and the HTTP request can overtake the center's handling of the OK (two
   * database round trips on PostgreSQL). The start is authenticated and names
   * the job of the request, so it says OK as surely; the OK that arrives after
   * it then finds nothing waiting and is refused, which changes nothing.
   */
  async runningJob(handsetId: string, jobId: string): Promise<JobRow> {
    const job = await this.#deps.jobs.find(jobId);
    if (job && job.handsetId === handsetId) {
      if (job.status === 'running') return job;
      if (job.status === 'requested') {
        const changed = await this.#deps.jobs.transition(matchOf(job), running(this.#deps.clock.now(), this.#deps.transferTimeoutMs));
        if (changed?.status === 'running') return changed;
      }
    }
    throw new PhoneSafeError('NOT_FOUND', `no running job ${jobId} for this handset`);
  }

  /** Links the opened backup to its job, so its commit can close the job. */
  async attachBackup(job: JobRow, backupId: string): Promise<void> {
    await this.#deps.jobs.transition(matchOf(job), { backupId, updatedAt: this.#deps.clock.now().toISOString() });
  }

  /** The backup committed: its job (if any, and still running) is done; a `once` schedule that ran is cleared. */
  async backupCommitted(backupId: string): Promise<void> {
    const job = await this.#deps.jobs.findByBackup(backupId);
    if (!job || job.status !== 'running') return;
    const now = this.#deps.clock.now();
    if (!(await this.#deps.jobs.transition(matchOf(job), done(backupId, now)))) return;
    const schedule = await this.#deps.schedules.find(job.handsetId);
    // nextRunAt null: the `once` slot has been used; a new date set meanwhile stays.
    if (schedule?.spec?.every === 'once' && schedule.nextRunAt === null) {
      await this.#deps.schedules.clearIfSpec(job.handsetId, schedule.spec, now.toISOString());
    }
  }

  /** B3: after N tries the center stops and tells the owner, with the handset and the reason of every try. */
  async notifyIfGaveUp(job: JobRow): Promise<void> {
    if (job.status !== 'gave-up') return;
    const handset = await this.#deps.handsets.findById(job.handsetId);
    const name = handset?.name ?? job.handsetId;
    await this.#deps.notifier.notify({
      ownerId: job.ownerId,
      handsetId: job.handsetId,
      kind: 'backup-failed',
      message: `backup could not be made: handset ${name} did not back up after ${job.attempt} tries (${job.reasons.join(', ')})`,
    });
  }
}

function matchOf(job: JobRow) {
  return { id: job.id, status: job.status, requestId: job.requestId };
}

function notWaiting(requestId: string): PhoneSafeError {
  return new PhoneSafeError('NOT_FOUND', `no start request ${requestId} of this handset is waiting for an answer`);
}
