/**
 * Owner notices by mail: the Notifier port's mail adapter. It never does SMTP
 * inline (a notice is made inside logins, rescues and job steps, which a slow
 * mail server must not hold up): it stores the notice, as the stored adapter
 * does, and queues its mail in the same transaction; the dispatcher
 * (notice-mail-dispatcher.ts) sends it.
 */
import type { Clock, Notice } from '@phonesafe/protocol';
import type { UnitOfWork } from '@phonesafe/server-kit';
import { newId } from '../ids.ts';
import type { NoticeMailRepo } from './notice-mail-repo.ts';
import type { NoticeRepo } from './notice-repo.ts';
import type { NoticeInput, Notifier } from './notifier.ts';

/** Every kind has a subject: a new kind without one fails the type check. */
const SUBJECTS: Record<Notice['kind'], string> = {
  'backup-failed': 'a backup could not be made',
  'backup-made': 'a backup was made',
  'over-quota': 'your storage is full',
  'login-locked': 'logins to your account are locked for a while',
  'registration-attempt': 'someone tried to register your address again',
  'rescue-saved': 'your lost handset was saved; see its control number with pc rescue-status',
  'rescue-erased': 'your lost handset erased its memory',
  'rescue-locked': 'the rescue desk is locked after wrong code numbers',
  'rescue-expiring': 'a rescue backup will expire soon',
  'rescue-expired': 'a rescue backup expired and was erased',
  'rescue-gave-up': 'the rescue of your handset gave up',
  'handset-revoked': 'one of your handsets was cut off',
  'restore-failed': 'a restore could not be applied',
  'storage-full': 'the backup center is out of space',
  'password-recovered': 'your password was reset with your recovery key',
  'sync-locked': 'syncing is locked after wrong passwords',
};

export function noticeSubject(kind: Notice['kind']): string {
  return `PhoneSafe: ${SUBJECTS[kind]}`;
}

export function noticeBody(notice: NoticeInput): string {
  return [
    notice.message,
    '',
    'This is an automatic notice from your PhoneSafe backup center. It contains no link;',
    'use your PhoneSafe pc tools (`phonesafe pc notices`) to see all notices.',
  ].join('\n');
}

export function mailNotifier(deps: {
  transaction: UnitOfWork<{ notices: Pick<NoticeRepo, 'add'>; noticeMail: Pick<NoticeMailRepo, 'enqueue'> }>;
  clock: Clock;
}): Notifier {
  return {
    notify: (notice) =>
      deps.transaction(async (tx) => {
        const id = newId();
        const at = deps.clock.now().toISOString();
        await tx.notices.add({ ...notice, id, at });
        await tx.noticeMail.enqueue(
          { id, ownerId: notice.ownerId, kind: notice.kind, subject: noticeSubject(notice.kind), body: noticeBody(notice) },
          at,
        );
      }),
  };
}
