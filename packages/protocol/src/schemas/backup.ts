import { z } from 'zod';
import { HandsetName, Id, Kind, PartId, PartRef, Timestamp } from './common.ts';

/** Why a backup runs: the owner (manual), a handset trigger (size, power-on) or the center (schedule, retry, rescue). */
export const BackupTrigger = z.enum(['manual', 'size', 'power-on', 'schedule', 'retry', 'rescue']);
export type BackupTrigger = z.infer<typeof BackupTrigger>;

/** B3/B4 start request from the handset; the center answers with an open backup. */
export const StartBackupRequest = z.strictObject({
  // A kind named twice is a confused sender: refused rather than silently merged.
  kinds: z
    .array(Kind)
    .min(1)
    .superRefine((kinds, ctx) => {
      const twice = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
      if (twice !== undefined) ctx.addIssue({ code: 'custom', message: `the kind '${twice}' appears twice` });
    }),
  /**
   * Of `kinds`, those it covers completely (every item of the kind, not
   * only those a target filter picked), for retention per kind. Absent
   * (handsets before this field): retention counts every kind as complete,
   * which can only keep more.
   */
  complete: z.array(Kind).optional(),
  trigger: BackupTrigger.default('manual'),
  /** Set when this backup answers a center's backup start request (B3): the job it completes. */
  jobId: Id.optional(),
  /** Set when this backup is the save of a rescue request (R2): the rescue it completes. */
  rescueId: Id.optional(),
});
export const StartBackupResponse = z.strictObject({
  backupId: Id,
  status: z.literal('open'),
  maxPartBytes: z.number().int().positive(),
});
export type StartBackupResponse = z.infer<typeof StartBackupResponse>;

/** Which of these parts does the center lack (for this owner)? Lets a transfer resume. */
export const MissingPartsRequest = z.strictObject({ ids: z.array(PartId).max(100_000) });
export const MissingPartsResponse = z.strictObject({
  missing: z.array(PartId),
  /** The requested parts already stored for this owner, as stored (possibly sent by another handset). */
  present: z.array(PartRef),
});
export type MissingPartsResponse = z.infer<typeof MissingPartsResponse>;

/** The acknowledgement of one part (B5: each part acknowledged). */
export const PartAck = z.strictObject({ ack: PartRef, stored: z.enum(['new', 'existing']) });
export type PartAck = z.infer<typeof PartAck>;

/**
 * One file of a backup as the center sees it. `ref` is an opaque keyed hash of
 * the file's path: names travel only inside the sealed manifest, so the center
 * never learns them. `size` is the sum of its parts' stored sizes.
 */
export const EndFile = z.strictObject({
  ref: z.string().regex(/^[0-9a-f]{32}$/),
  size: z.number().int().nonnegative(),
  parts: z.array(PartId),
});
export type EndFile = z.infer<typeof EndFile>;

/** B5 end notice. The center checks every named part is stored with this size and hash. */
export const EndNotice = z.strictObject({
  manifest: PartRef,
  parts: z.array(PartRef).max(1_000_000),
  files: z.array(EndFile).max(1_000_000),
});
export type EndNotice = z.infer<typeof EndNotice>;

/** B5 completion notice: the backup is committed and listed from now on. */
export const CompletionNotice = z.strictObject({
  backupId: Id,
  status: z.literal('committed'),
  committedAt: Timestamp,
  fileCount: z.number().int().nonnegative(),
  storedBytes: z.number().int().nonnegative(),
  files: z.array(z.strictObject({ ref: z.string(), size: z.number().int().nonnegative() })),
});
export type CompletionNotice = z.infer<typeof CompletionNotice>;

export const BackupSummary = z.strictObject({
  backupId: Id,
  handsetId: Id,
  handsetName: HandsetName,
  kinds: z.array(Kind),
  trigger: z.string(),
  startedAt: Timestamp,
  committedAt: Timestamp,
  fileCount: z.number().int().nonnegative(),
  storedBytes: z.number().int().nonnegative(),
  manifest: PartRef,
  /** When the owner chose to keep it for good (`pc keep`): retention never forgets it. Null or absent: not kept. */
  keptAt: Timestamp.nullable().optional(),
});
export type BackupSummary = z.infer<typeof BackupSummary>;
export const BackupList = z.strictObject({ backups: z.array(BackupSummary) });

export const BackupDetail = BackupSummary.extend({
  files: z.array(EndFile),
  parts: z.array(PartRef),
});
export type BackupDetail = z.infer<typeof BackupDetail>;

export const BackupListQuery = z.strictObject({
  handset: HandsetName.optional(),
});

/** `PUT /v1/backups/:id/keep`: keep a backup for good, or let it go (retention may forget it again). */
export const KeepRequest = z.strictObject({ keep: z.boolean() });

/** A retention policy the owner applies now (`pc forget`), restic's flags; all zero keeps everything. */
const KeepCount = z.number().int().min(0).max(100_000);
export const ForgetRequest = z.strictObject({
  /** One handset's backups; absent: each of the owner's handsets in turn (the policy applies per handset). */
  handset: HandsetName.optional(),
  keepLast: KeepCount.default(0),
  keepDaily: KeepCount.default(0),
  keepWeekly: KeepCount.default(0),
  keepMonthly: KeepCount.default(0),
  /** Only say what would go. */
  dryRun: z.boolean().default(false),
});
export type ForgetRequest = z.input<typeof ForgetRequest>;

export const ForgetResponse = z.strictObject({
  dryRun: z.boolean(),
  /** Every committed backup the policy judged, newest first; rescue saves and kept ones are `kept-for-good`/`rescue`, never forgotten. */
  backups: z.array(
    z.strictObject({
      backupId: Id,
      handsetName: HandsetName,
      committedAt: Timestamp,
      decision: z.enum(['keep', 'forget', 'kept-for-good', 'rescue']),
    }),
  ),
});
export type ForgetResponse = z.infer<typeof ForgetResponse>;
