/**
 * The schedules' part of a handset revocation (handsets/handset-revocation.ts):
 * in the revocation's transaction, the handset's schedule is cleared and its
 * active job cancelled, so it gets no more start requests.
 */
import type { RevocationHook } from '../handsets/handset-revocation.ts';
import type { JobRepo } from './job-repo.ts';
import type { ScheduleRepo } from './schedule-repo.ts';

export const clearScheduleOnRevoke: RevocationHook<{
  schedules: Pick<ScheduleRepo, 'clear'>;
  jobs: Pick<JobRepo, 'cancelActive'>;
}> = async (tx, { handsetId, at }) => {
  // A schedule row the scheduler holds is waited for, so the job it may be making is seen and cancelled here.
  await tx.schedules.clear(handsetId, at);
  await tx.jobs.cancelActive(handsetId, at);
};
