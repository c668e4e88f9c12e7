import { ScheduleView, type Notice, type RetryPolicy, type ScheduleSpec } from '@phonesafe/protocol';
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

/** The owner's notices (backup could not be made, over quota, backup made), as the center keeps them. */
export function listNotices(session: PcSession): Promise<Notice[]> {
  return session.owner.client.notices();
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** "every Sunday at 03:00 UTC", for people. */
export function describeSchedule(spec: ScheduleSpec | null): string {
  if (!spec) return 'no schedule';
  switch (spec.every) {
    case 'day':
      return `every day at ${spec.at} UTC`;
    case 'week':
      return `every ${WEEKDAYS[spec.weekday]} at ${spec.at} UTC`;
    case 'month':
      return `on day ${spec.day} of every month at ${spec.at} UTC`;
    case 'once':
      return `once, at ${spec.on}`;
  }
}
