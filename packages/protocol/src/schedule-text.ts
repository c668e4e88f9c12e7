/**
 * Schedules (B3) as people type them: the CLI's `--daily 03:00`-style flags,
 * and the one-word form of the handset's `triggers.schedule` setting and the
 * demo. One parser for every role, so a schedule reads the same everywhere.
 */
import { PhoneSafeError } from './errors.ts';
import type { ScheduleSpec } from './schemas/schedule.ts';

const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function usage(detail: string): PhoneSafeError {
  return new PhoneSafeError('USAGE', detail);
}

/** `03:00` (24 h, UTC); `3:00` is accepted and written `03:00`. */
export function parseTimeOfDay(value: string, option: string): string {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 23 || minutes > 59) throw usage(`${option} needs a UTC time HH:MM (00:00-23:59), not '${value}'`);
  return `${String(hours).padStart(2, '0')}:${match[2]}`;
}

/** 0-6 (0 is Sunday) or a name: `sun`, `Monday`, ... */
export function parseWeekday(value: string, option: string): number {
  const text = value.trim().toLowerCase();
  if (/^[0-6]$/.test(text)) return Number(text);
  const index = text.length >= 3 ? WEEKDAY_NAMES.findIndex((name) => text.startsWith(name)) : -1;
  if (index < 0) throw usage(`${option} needs a weekday 0-6 (0 is Sunday) or a name like mon, not '${value}'`);
  return index;
}

function split(value: string, option: string, what: string): [string, string] {
  const at = value.indexOf('@');
  if (at < 0) throw usage(`${option} needs ${what}@HH:MM, not '${value}'`);
  return [value.slice(0, at), value.slice(at + 1)];
}

export function daily(value: string, option = '--daily'): ScheduleSpec {
  return { every: 'day', at: parseTimeOfDay(value, option) };
}

export function weekly(value: string, option = '--weekly'): ScheduleSpec {
  const [day, time] = split(value, option, 'WEEKDAY');
  return { every: 'week', weekday: parseWeekday(day, option), at: parseTimeOfDay(time, option) };
}

export function monthly(value: string, option = '--monthly'): ScheduleSpec {
  const [day, time] = split(value, option, 'DAY');
  if (!/^\d{1,2}$/.test(day) || Number(day) < 1 || Number(day) > 28) throw usage(`${option} needs a day of the month 1-28, not '${day}'`);
  return { every: 'month', day: Number(day), at: parseTimeOfDay(time, option) };
}

/** An ISO date-time; one without a zone is UTC, like the other schedule times. */
export function once(value: string, option = '--once'): ScheduleSpec {
  const text = value.trim();
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const date = new Date(zoned);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw usage(`${option} needs an ISO date and time like 2026-03-01T03:00Z, not '${value}'`);
  }
  return { every: 'once', on: date.toISOString() };
}

/**
 * The one-word form used in handset settings and the demo:
 * `daily@03:00`, `weekly@0@03:00` (or `weekly@sun@03:00`), `monthly@1@03:00`,
 * `once@2026-03-01T03:00Z`, `none`.
 */
export function parseScheduleText(value: string, option = 'schedule'): ScheduleSpec | null {
  const text = value.trim();
  if (['none', 'off', ''].includes(text.toLowerCase())) return null;
  const [word, rest] = split(text, option, 'daily|weekly|monthly|once');
  switch (word) {
    case 'daily':
      return daily(rest, option);
    case 'weekly':
      return weekly(rest, option);
    case 'monthly':
      return monthly(rest, option);
    case 'once':
      return once(rest, option);
    default:
      throw usage(`${option} must start with daily@, weekly@, monthly@ or once@ (or be none), not '${value}'`);
  }
}

/** Back to the one-word form. */
export function scheduleText(spec: ScheduleSpec | null): string {
  if (!spec) return 'none';
  switch (spec.every) {
    case 'day':
      return `daily@${spec.at}`;
    case 'week':
      return `weekly@${spec.weekday}@${spec.at}`;
    case 'month':
      return `monthly@${spec.day}@${spec.at}`;
    case 'once':
      return `once@${spec.on}`;
  }
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** "every Sunday at 03:00 UTC", for people (enrolment, `handset status`, `pc schedule`). */
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
