import { z } from 'zod';
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
export const RestoreOrder = z.strictObject({
  restoreId: Id,
  backupId: Id,
  handsetId: Id,
  kinds: z.array(Kind).nullable(),
  deleteAfter: z.boolean(),
  overwrite: OverwritePolicy,
  status: z.enum(['pending', 'completed']),
  requestedAt: Timestamp,
});
export type RestoreOrder = z.infer<typeof RestoreOrder>;
export const PendingRestores = z.strictObject({ restores: z.array(RestoreOrder) });

/** B6 completion notice from the destination; the center then deletes the backup if asked. */
export const RestoreComplete = z.strictObject({
  restored: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
});
export const RestoreCompleteResponse = z.strictObject({
  restoreId: Id,
  status: z.literal('completed'),
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
