/** What the jobs give the live channel (channel/handset-handlers.ts): the handset's answers, and a dropped socket. */
import type { ChannelObserver, HandsetHandlers } from '../channel/handset-handlers.ts';
import type { JobService } from './job-service.ts';

export function jobHandlers(jobs: Pick<JobService, 'answer' | 'transferFailed'>) {
  return {
    'backup-start-answer': (handsetId, message) => jobs.answer(handsetId, message),
    'backup-failed': (handsetId, message) => jobs.transferFailed(handsetId, message),
  } satisfies Partial<HandsetHandlers>;
}

/** A transfer the handset agreed to will not come (live-channel.md). */
export function jobDisconnects(jobs: Pick<JobService, 'disconnected'>): ChannelObserver<[handsetId: string]> {
  return { failure: 'could not record a dropped channel', run: (handsetId) => jobs.disconnected(handsetId) };
}
