import { z } from 'zod';
import { Kind, Sha256Hex, Timestamp } from './common.ts';

/**
 * The sealed JSON headers of backup by mail (docs/design/mail-protocol.md):
 * one per direction code. The data after the header, when any, is a bundle.
 */
export const MAIL_INSTRUCTIONS = ['backup', 'restore'] as const;
export const MAIL_ANSWERS = ['backup-response', 'restore-complete', 'pairing-ended'] as const;
export type MailInstructionCode = (typeof MAIL_INSTRUCTIONS)[number];
export type MailAnswerCode = (typeof MAIL_ANSWERS)[number];

export const MailBackupCommand = z.strictObject({ op: z.literal('backup'), kinds: z.array(Kind).optional() });
export const MailRestoreCommand = z.strictObject({ op: z.literal('restore'), backupId: z.string().min(1).max(64) });
export const MailCommand = z.discriminatedUnion('op', [MailBackupCommand, MailRestoreCommand]);
export type MailCommand = z.infer<typeof MailCommand>;

export const MailBackupAnswer = z.strictObject({
  op: z.literal('backup-response'),
  status: z.enum(['ok', 'too-large']),
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  detail: z.string().max(500).optional(),
});
export const MailRestoreAnswer = z.strictObject({
  op: z.literal('restore-complete'),
  status: z.enum(['ok', 'needs-decision', 'failed']),
  backupId: z.string().min(1).max(64),
  restored: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  alreadyThere: z.number().int().nonnegative(),
  conflicts: z.array(z.string().max(4096)).max(10_000),
  detail: z.string().max(500).optional(),
});
export const MailPairingEnded = z.strictObject({ op: z.literal('pairing-ended'), reason: z.string().max(200) });
export const MailAnswer = z.discriminatedUnion('op', [MailBackupAnswer, MailRestoreAnswer, MailPairingEnded]);
export type MailAnswer = z.infer<typeof MailAnswer>;

/** One line of an owner notice (M4): what happened to one received mail. */
export const MailNoticeEntry = z.strictObject({
  outcome: z.enum(['accepted', 'refused']),
  code: z.string().max(40),
  /** Refusals: bad-mac, replay, stale, altered. */
  reason: z.string().max(40).optional(),
  messageId: z.string().max(200),
  from: z.string().max(200),
  receivedAt: Timestamp,
  answeredAt: Timestamp.optional(),
  answerIds: z.array(z.string().max(200)).max(20).optional(),
  files: z.number().int().nonnegative().optional(),
  bytes: z.number().int().nonnegative().optional(),
});
export type MailNoticeEntry = z.infer<typeof MailNoticeEntry>;

export const MailCounts = z.strictObject({
  received: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  answers: z.number().int().nonnegative(),
});
export type MailCounts = z.infer<typeof MailCounts>;

export const MailNotice = z.strictObject({
  op: z.literal('notice'),
  entries: z.array(MailNoticeEntry),
  /** Refusals counted but not listed (rate limit). */
  moreRefused: z.number().int().nonnegative(),
  counts: MailCounts,
});
export type MailNotice = z.infer<typeof MailNotice>;

/** The index at the head of a bundle: the files in order, their bytes follow. */
export const MailBundleIndex = z.strictObject({
  format: z.literal('phonesafe-mail-bundle'),
  version: z.literal(1),
  createdAt: Timestamp,
  kinds: z.array(Kind),
  files: z.array(
    z.strictObject({
      path: z.string().min(1).max(4096),
      kind: Kind,
      size: z.number().int().nonnegative(),
      sha256: Sha256Hex,
      modifiedAt: Timestamp,
    }),
  ),
});
export type MailBundleIndex = z.infer<typeof MailBundleIndex>;
