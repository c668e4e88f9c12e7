import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

/** Owner notices (B3 "backup could not be made", B4 over quota, ...). Mail delivery comes later behind the notifier port. */
export const NoticeKind = z.enum([
  'backup-failed',
  'over-quota',
  'backup-made',
  'rescue-saved',
  'rescue-erased',
  'rescue-expiring',
  'rescue-expired',
  'rescue-locked',
  'rescue-gave-up',
  'login-locked',
  'registration-attempt',
  'handset-revoked',
  'restore-failed',
  'storage-full',
  'password-recovered',
  'sync-locked',
]);
export const Notice = z.strictObject({
  noticeId: Id,
  at: Timestamp,
  kind: NoticeKind,
  handsetName: z.string().nullable(),
  message: z.string(),
});
export type Notice = z.infer<typeof Notice>;
export const NoticeList = z.strictObject({ notices: z.array(Notice) });
