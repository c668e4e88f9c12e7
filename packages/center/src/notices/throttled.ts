/**
 * Notices that repeat while a condition lasts (over quota, storage full): the
 * owner is told at most once per period and kind. The bound is read from the
 * stored notices, so it holds across restarts and across centers sharing the
 * database, except that two centers deciding at the same instant may both
 * tell. Best effort: a notice that cannot be stored (e.g. the database is on
 * the full disk) is logged by the caller's error path, never thrown here.
 */
import type { Clock } from '@phonesafe/protocol';
import type { NoticeRepo } from './notice-repo.ts';
import type { NoticeInput, Notifier } from './notifier.ts';

export interface ThrottledNoticeDeps {
  notices: Pick<NoticeRepo, 'lastAt'>;
  notifier: Notifier;
  clock: Clock;
}

export const NOTICE_PERIOD_MS = 3600_000;

/** Answers whether the notice was sent. */
export async function notifyAtMostHourly(deps: ThrottledNoticeDeps, notice: NoticeInput): Promise<boolean> {
  try {
    const last = await deps.notices.lastAt(notice.ownerId, notice.kind);
    const since = new Date(deps.clock.now().getTime() - NOTICE_PERIOD_MS).toISOString();
    if (last !== undefined && last > since) return false;
    await deps.notifier.notify(notice);
    return true;
  } catch {
    return false;
  }
}
