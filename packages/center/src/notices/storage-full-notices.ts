/**
 * A request that failed for want of space (STORAGE_FULL) tells the caller's
 * owner, at most once an hour (throttled.ts): the owner learns why
 * backups stop, without a notice per refused part. Public routes have no
 * owner to tell.
 */
import { type App, asStorageFault } from '@phonesafe/server-kit';
import { notifyAtMostHourly, type ThrottledNoticeDeps } from './throttled.ts';

export function noticeStorageFull(app: App, deps: ThrottledNoticeDeps): void {
  app.addHook('onError', async (request, _reply, error) => {
    const caller = request.caller as typeof request.caller | null;
    if (!caller || !asStorageFault(error, 'center')) return;
    await notifyAtMostHourly(deps, {
      ownerId: caller.ownerId,
      handsetId: caller.kind === 'handset' ? caller.handsetId : null,
      kind: 'storage-full',
      message: 'the center is out of storage space: backups are refused until its operator frees some; handsets try again later',
    });
  });
}
