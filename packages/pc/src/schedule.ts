import { ScheduleView, type BackupSummary, type Notice, type RetryPolicy, type ScheduleSpec } from '@phonesafe/protocol';
import type { PcSession } from './session.ts';

/** What the owner sets (B3): when the center starts a backup, and how it retries; `null` clears the schedule. */
export interface ScheduleChange {
  schedule: ScheduleSpec | null;
  /** Only the fields given change; the others keep their value (or the center's defaults). */
  retry?: Partial<RetryPolicy>;
}

function schedulePath(handset: string): string {
  return `/v1/handsets/${encodeURIComponent(handset)}/schedule`;
}

/** The schedule of one of the owner's handsets, with the next run the center has planned. */
export function getSchedule(session: PcSession, handset: string): Promise<ScheduleView> {
  return session.owner.client.http.json(ScheduleView, { method: 'GET', path: schedulePath(handset) });
}

/** Sets (or with `schedule: null` clears) a handset's schedule; answers what the center now holds. */
export function putSchedule(session: PcSession, handset: string, change: ScheduleChange): Promise<ScheduleView> {
  const json =
    change.retry && Object.keys(change.retry).length > 0
      ? { schedule: change.schedule, retry: change.retry }
      : { schedule: change.schedule };
  return session.owner.client.http.json(ScheduleView, { method: 'PUT', path: schedulePath(handset), json });
}

/** A change the owner asks for, where a field not given stays as it is. */
export interface ScheduleEdit {
  /** The new schedule, `null` for none; not given: the schedule stays. */
  schedule?: ScheduleSpec | null;
  /** Only these fields of the retry policy change. */
  retry?: Partial<RetryPolicy>;
}

/**
 * Shows or changes a handset's schedule: what is not given stays as it is,
 * the schedule and each field of the retry policy (the center's PUT
 * replaces them all, so the current ones are read first). Nothing given:
 * only read. Answers what the center now holds and whether it changed.
 */
export async function editSchedule(
  session: PcSession,
  handset: string,
  edit: ScheduleEdit,
): Promise<{ view: ScheduleView; changed: boolean }> {
  const retry = edit.retry ?? {};
  const changed = edit.schedule !== undefined || Object.keys(retry).length > 0;
  const current = await getSchedule(session, handset);
  if (!changed) return { view: current, changed };
  const schedule = edit.schedule !== undefined ? edit.schedule : current.schedule;
  return { view: await putSchedule(session, handset, { schedule, retry: { ...current.retry, ...retry } }), changed };
}

/**
 * The newest backup the center started for this handset (its schedule or a
 * retry of it): what the schedule really covered, since a scheduled backup
 * covers the handset's targets, which only the handset holds.
 */
export async function lastScheduledBackup(session: PcSession, handset: string): Promise<BackupSummary | null> {
  const backups = await session.owner.client.listBackups(handset);
  return backups.find((b) => b.trigger === 'schedule' || b.trigger === 'retry') ?? null;
}

/** The owner's notices (backup could not be made, over quota, backup made), as the center keeps them. */
export function listNotices(session: PcSession): Promise<Notice[]> {
  return session.owner.client.notices();
}

/** "every Sunday at 03:00 UTC", for people: the protocol's one wording. */
export { describeSchedule } from '@phonesafe/protocol';
