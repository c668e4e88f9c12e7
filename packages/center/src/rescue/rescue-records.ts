/**
 * What every part of the rescue desk shares: the views answered to the
 * owner, the channel message a rescue needs next, and the audit trail.
 */
import type { CenterMessage, Clock, RescueView } from '@phonesafe/protocol';
import { newId } from '../ids.ts';
import type { NoticeInput } from '../notices/notifier.ts';
import type { RescueAuditRepo, RescueAuditRow, RescueRow } from './rescue-repo.ts';

/** `controlNumber` as shown (4-4-4-4), opened by the caller (rescue-controls.ts); the row never holds it in clear. */
export function toView(row: RescueRow, controlNumber: string | null): RescueView {
  return {
    reference: row.id,
    status: row.status,
    requestedAt: row.requestedAt,
    lastAttemptAt: row.lastAttemptAt,
    controlNumber,
    savedAt: row.savedAt,
    erasedAt: row.erasedAt,
    expiresAt: row.expiresAt,
    files: row.files,
  };
}

/**
 * The request the handset needs now, with a fresh id: save while the memory
 * is not at the center yet, erase once it is and until the erase is
 * reported (also after a restore to a replacement, so the lost handset is
 * still wiped). Expired data is not erased from the handset: it would be the
 * last copy.
 */
export function channelRequest(row: RescueRow): CenterMessage | undefined {
  if (row.status === 'waiting-for-handset' || row.status === 'saving') return { type: 'rescue-save', requestId: newId(), rescueId: row.id };
  if ((row.status === 'saved' || row.status === 'restored') && row.erasedAt === null && row.backupId !== null) {
    return { type: 'rescue-erase', requestId: newId(), rescueId: row.id, backupId: row.backupId };
  }
  return undefined;
}

export type AuditEvent = RescueAuditRow['event'];

/** Appends one audit row for a rescue (or, with `rescueId` null, for the phone number alone). */
export function audit(
  deps: { rescueAudit: Pick<RescueAuditRepo, 'append'>; clock: Clock },
  subject: { ownerId: string; phone: string; rescueId: string | null },
  event: AuditEvent,
  detail: string,
): Promise<void> {
  return deps.rescueAudit.append({ ...subject, at: deps.clock.now().toISOString(), event, detail });
}

export const subjectOf = (row: RescueRow) => ({ ownerId: row.ownerId, phone: row.phone, rescueId: row.id });

/**
 * Every rescue notice is the owner's alone (`handsetId` null): stored
 * against the lost handset, it would be readable with that handset's
 * credential, which a finder may hold until the erase is reported.
 */
export function ownerNotice(ownerId: string, kind: Extract<NoticeInput['kind'], `rescue-${string}`>, message: string): NoticeInput {
  return { ownerId, handsetId: null, kind, message };
}
