import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../errors.ts';
import { HandsetName, Id, Kind, Timestamp } from './common.ts';

export const OverwritePolicy = z.enum(['ask', 'yes', 'no']);
export type OverwritePolicy = z.infer<typeof OverwritePolicy>;

/**
 * B6 restore start request. From the pc it names a destination handset and
 * becomes a pending restore that handset applies when it next talks to the
 * center; from a handset it names none (the destination is the caller).
 */
export const StartRestoreRequest = z.strictObject({
  backupId: Id,
  toHandset: HandsetName.optional(),
  kinds: z.array(Kind).optional(),
  deleteAfter: z.boolean().default(false),
  overwrite: OverwritePolicy.default('ask'),
});
/**
 * pending (waiting to be applied, or to be tried again at `nextTryAt`),
 * completed, failed (given up after the last try), cancelled (by the owner).
 */
export const RestoreStatus = z.enum(['pending', 'completed', 'failed', 'cancelled']);
export type RestoreStatus = z.infer<typeof RestoreStatus>;
/** One of the registry's codes (errors.ts), nothing else: a report never carries text. */
export const ErrorCodeName = z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]);

export const RestoreOrder = z.strictObject({
  restoreId: Id,
  backupId: Id,
  handsetId: Id,
  kinds: z.array(Kind).nullable(),
  deleteAfter: z.boolean(),
  overwrite: OverwritePolicy,
  status: RestoreStatus,
  requestedAt: Timestamp,
  /** Failed tries reported by the handset so far. */
  attempts: z.number().int().nonnegative(),
  /** The code of the last failed try; null before any. */
  lastCode: ErrorCodeName.nullable(),
  /** A pending order that failed is offered again from this time; null when it is due now (or not pending). */
  nextTryAt: Timestamp.nullable(),
});
export type RestoreOrder = z.infer<typeof RestoreOrder>;
/** Pending orders of the calling handset that are due now, oldest first. */
export const PendingRestores = z.strictObject({ restores: z.array(RestoreOrder) });
/** The owner's orders, newest first. */
export const RestoreList = z.strictObject({ restores: z.array(RestoreOrder.extend({ handsetName: HandsetName })) });
export type RestoreListEntry = z.infer<typeof RestoreList>['restores'][number];

/**
 * The destination could not apply an order (a non-retryable failure): only
 * the error code travels, never a detail that could name a file. The center
 * offers the order again after a backoff, and gives up after the last try.
 */
export const RestoreFailedReport = z.strictObject({ code: ErrorCodeName });

/** B6 completion notice from the destination; the center then deletes the backup if asked. */
export const RestoreComplete = z.strictObject({
  restored: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
});
/** `status` is the order's: an order the owner cancelled (or the center gave up) meanwhile stays so, and deletes nothing. */
export const RestoreCompleteResponse = z.strictObject({
  restoreId: Id,
  status: z.enum(['completed', 'failed', 'cancelled']),
  backupDeleted: z.boolean(),
});

export const HistoryEvent = z.strictObject({
  at: Timestamp,
  event: z.enum(['backup-committed', 'restore-requested', 'restore-completed', 'backup-deleted', 'backup-forgotten']),
  handsetName: HandsetName.nullable(),
  backupId: Id.nullable(),
  detail: z.string(),
});
export type HistoryEvent = z.infer<typeof HistoryEvent>;
export const HistoryList = z.strictObject({ events: z.array(HistoryEvent) });
