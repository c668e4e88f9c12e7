import { z } from 'zod';
import { Id, Kind, Timestamp } from './common.ts';
import { RescueEraseRequest, RescueSaveRequest } from './rescue.ts';

/**
 * The live channel (docs/design/live-channel.md): a WebSocket the handset
 * keeps open to `GET /v1/channel`. The center sends requests; the handset
 * answers each by its id. Ids are random, single-use and bound to the
 * handset the request was sent to, so a forged or replayed answer is refused.
 */
export const NgReason = z.enum([
  'writing-backup-area',
  'operating',
  'battery-low',
  'not-idle',
  'over-quota',
  'no-answer',
  'disconnected',
  'transfer-failed',
]);
export type NgReason = z.infer<typeof NgReason>;

export const BackupStartRequest = z.strictObject({
  type: z.literal('backup-start'),
  requestId: Id,
  jobId: Id,
  attempt: z.number().int().positive(),
  /** Kinds the center asks for; absent means "the handset's own settings". */
  kinds: z.array(Kind).optional(),
  /** When the center stops waiting for the answer. */
  answerBy: Timestamp,
});
export type BackupStartRequest = z.infer<typeof BackupStartRequest>;

/** A restore order is waiting (B6, pushed from the pc): fetch it now. */
export const RestorePendingNotice = z.strictObject({
  type: z.literal('restore-pending'),
  requestId: Id,
});

/**
 * The handset's credential was revoked (by its owner, or it reported a rescue erase, seed 004):
 * the center closes the socket right after this, and the handset forgets its
 * enrolment and the owner's key, so a finder cannot use them.
 */
export const CredentialRevokedNotice = z.strictObject({
  type: z.literal('credential-revoked'),
  requestId: Id,
});

/** SIM sync (S6, sync.md): another terminal of the subscriber uploaded changes; the user area's counter is now `seq`. */
export const SyncPendingNotice = z.strictObject({
  type: z.literal('sync-pending'),
  requestId: Id,
  number: z.string(),
  seq: z.number().int(),
});

export const CenterMessage = z.discriminatedUnion('type', [
  BackupStartRequest,
  RestorePendingNotice,
  RescueSaveRequest,
  RescueEraseRequest,
  CredentialRevokedNotice,
  SyncPendingNotice,
]);
export type CenterMessage = z.infer<typeof CenterMessage>;

export const BackupStartAnswer = z.strictObject({
  type: z.literal('backup-start-answer'),
  requestId: Id,
  answer: z.enum(['OK', 'NG']),
  reason: NgReason.optional(),
});
export type BackupStartAnswer = z.infer<typeof BackupStartAnswer>;

/**
 * The backup a start request's OK began did not complete (the handset gave up
 * on it): the center retries after the interval instead of waiting out the
 * transfer deadline. Only the error code travels: a detail could name a file.
 */
export const BackupFailedReport = z.strictObject({
  type: z.literal('backup-failed'),
  requestId: Id,
  code: z.string().regex(/^[A-Z_]{1,40}$/),
});
export type BackupFailedReport = z.infer<typeof BackupFailedReport>;

export const HandsetMessage = z.discriminatedUnion('type', [BackupStartAnswer, BackupFailedReport]);
export type HandsetMessage = z.infer<typeof HandsetMessage>;

/** Sent by the center when it refuses a handset message (then the message has no effect). */
export const ChannelRefusal = z.strictObject({
  type: z.literal('refused'),
  requestId: z.string().optional(),
  code: z.string(),
  detail: z.string(),
});
