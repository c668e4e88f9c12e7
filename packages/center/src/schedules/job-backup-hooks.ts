/** The jobs' subscriptions to the backup lifecycle (backup/backup-hooks.ts). */
import type { CommittedHook, FailedHook, StartHook } from '../backup/backup-hooks.ts';
import type { JobService } from './job-service.ts';

type Jobs = Pick<JobService, 'runningJob' | 'fail' | 'attachBackup' | 'backupCommitted' | 'transferRefused'>;

/**
 * With `jobId` the backup answers a center-initiated job (B3), which must be
 * this handset's and running (JobService.runningJob).
 */
export function jobStartHook(jobs: Jobs): StartHook {
  return {
    async claim(handset, request) {
      if (request.jobId === undefined) return undefined;
      const job = await jobs.runningJob(handset.handsetId, request.jobId);
      return {
        opened: (backupId) => jobs.attachBackup(job, backupId),
        async refused(error) {
          // The handset said OK but the center cannot take the data: an NG for the job, retried per its policy.
          if (error.code === 'QUOTA_EXCEEDED') await jobs.fail(job, 'over-quota');
        },
      };
    },
  };
}

export function jobCommittedHook(jobs: Jobs): CommittedHook {
  return { failure: 'could not close the job of a committed backup', run: (backup) => jobs.backupCommitted(backup.backupId) };
}

/** A refusal of the parts is the running job's NG at once: the handset's transfer cannot finish. */
export function jobFailedHook(jobs: Jobs): FailedHook {
  return (transfer) => jobs.transferRefused(transfer.handsetId, transfer.reason);
}
