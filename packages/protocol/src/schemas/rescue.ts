import { z } from 'zod';
import { HandsetName, Id, Timestamp } from './common.ts';
import {
  CODE_NUMBER,
  CODE_NUMBER_RULE,
  CONTROL_NUMBER,
  NEW_CODE_NUMBER,
  NEW_CODE_NUMBER_RULE,
  stripControl,
} from '../codecs/rescue-numbers.ts';
import { PhoneNumber } from './phone.ts';

/**
 * The lost-handset rescue desk (seed 004, SPEC R1–R5; docs/design/rescue.md).
 * No owner password: the code number set in advance is the credential, as at
 * a carrier's phone desk; lockouts protect it.
 */
/** A code number as given at the desk: codes set before the 8-digit minimum still work. */
export const CodeNumber = z.string().regex(CODE_NUMBER, CODE_NUMBER_RULE);
/** A code number being set (rescue.md, Code numbers): 8-12 digits, so a stolen database is not searched in minutes. */
export const NewCodeNumber = z.string().regex(NEW_CODE_NUMBER, NEW_CODE_NUMBER_RULE);
/** 16 digits shown as 4-4-4-4; the last is a Luhn check digit. Dashes and spaces are ignored on input. */
export const ControlNumber = z.string().transform(stripControl).pipe(z.string().regex(CONTROL_NUMBER, 'a control number is 16 digits'));

export const RescueStatus = z.enum(['waiting-for-handset', 'saving', 'saved', 'erased', 'restored', 'expired', 'gave-up']);
export type RescueStatus = z.infer<typeof RescueStatus>;

/** R1: the request. Answered at once; the work happens when the handset is reachable. */
export const RescueRequest = z.strictObject({ phone: PhoneNumber, code: CodeNumber });
export const RescueView = z.strictObject({
  reference: Id,
  status: RescueStatus,
  requestedAt: Timestamp,
  lastAttemptAt: Timestamp.nullable(),
  /** Issued when the save committed (R2). */
  controlNumber: z.string().nullable(),
  savedAt: Timestamp.nullable(),
  erasedAt: Timestamp.nullable(),
  /** R4: when the saved data is erased at the center. */
  expiresAt: Timestamp.nullable(),
  files: z.number().int().nonnegative().nullable(),
});
export type RescueView = z.infer<typeof RescueView>;

export const RescueAuditEntry = z.strictObject({
  at: Timestamp,
  reference: Id.nullable(),
  event: z.enum([
    'requested',
    'attempt',
    'saved',
    'erased',
    'restore-requested',
    'restored',
    'expiry-warning',
    'expired',
    'gave-up',
    'wrong-code',
    'locked',
    'wrong-control',
  ]),
  detail: z.string(),
});
export const RescueStatusResponse = z.strictObject({
  phone: PhoneNumber,
  rescues: z.array(RescueView),
  audit: z.array(RescueAuditEntry),
});

/** R3: restore with code number + phone number + control number, to the found handset or a replacement. */
export const RescueRestoreRequest = z.strictObject({
  phone: PhoneNumber,
  code: CodeNumber,
  control: ControlNumber,
  toHandset: HandsetName.optional(),
});
export const RescueRestoreResponse = z.strictObject({
  reference: Id,
  restoreId: Id,
  handsetName: HandsetName,
  status: z.literal('pending'),
});

/** Owner sets or changes the code number of one of its phone numbers (owner auth). */
export const SetRescueCodeRequest = z.strictObject({ phone: PhoneNumber, code: NewCodeNumber });

/** Channel: the center asks the handset to save all of its memory (R2). */
export const RescueSaveRequest = z.strictObject({
  type: z.literal('rescue-save'),
  requestId: Id,
  rescueId: Id,
});
/**
 * Channel: the save is committed under a control number; erase what was saved
 * and report it. Sent after the commit, and again on every reconnect until the
 * erase is reported, so a center restart in between still ends in one erase.
 */
export const RescueEraseRequest = z.strictObject({
  type: z.literal('rescue-erase'),
  requestId: Id,
  rescueId: Id,
  backupId: Id,
});

/** Handset → center over HTTP after erasing: what it erased (R2 "the erase is reported"). */
export const RescueErasedReport = z.strictObject({ backupId: Id, erasedItems: z.number().int().nonnegative() });
