import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24 h, UTC');

/**
 * When the center starts a backup of one handset (B3). Times are UTC.
 * `once` is the "next date" the owner picks at the end of a backup.
 */
export const ScheduleSpec = z.discriminatedUnion('every', [
  z.strictObject({ every: z.literal('day'), at: TimeOfDay }),
  z.strictObject({ every: z.literal('week'), weekday: z.number().int().min(0).max(6), at: TimeOfDay }),
  z.strictObject({ every: z.literal('month'), day: z.number().int().min(1).max(28), at: TimeOfDay }),
  z.strictObject({ every: z.literal('once'), on: Timestamp }),
]);
export type ScheduleSpec = z.infer<typeof ScheduleSpec>;

/** How the center retries after NG or silence, and gives up (B3). */
export const RetryPolicy = z.strictObject({
  intervalSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600),
  answerTimeoutSeconds: z.number().int().min(1).max(3600),
  maxTries: z.number().int().min(1).max(100),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

export const PutScheduleRequest = z.strictObject({
  schedule: ScheduleSpec.nullable(),
  retry: RetryPolicy.partial().optional(),
});
export const ScheduleView = z.strictObject({
  handsetId: Id,
  handsetName: z.string(),
  schedule: ScheduleSpec.nullable(),
  retry: RetryPolicy,
  nextRunAt: Timestamp.nullable(),
});
export type ScheduleView = z.infer<typeof ScheduleView>;
