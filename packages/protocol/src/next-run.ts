/**
 * When a schedule next fires (B3, and the pc's mail schedule, M5). Pure and in UTC, so every center computes
 * the same slot. Always strictly after `after`: the scheduler passes "now",
 * and a slot equal to now has just been materialised.
 */
import type { ScheduleSpec } from './schemas/schedule.ts';

const DAY_MS = 24 * 3600 * 1000;

export function nextRun(spec: ScheduleSpec, after: Date): Date | null {
  const t = after.getTime();
  switch (spec.every) {
    case 'once': {
      const on = Date.parse(spec.on);
      return on > t ? new Date(on) : null;
    }
    case 'day': {
      const slot = atTime(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate(), spec.at);
      return new Date(slot > t ? slot : slot + DAY_MS);
    }
    case 'week': {
      const ahead = (spec.weekday - after.getUTCDay() + 7) % 7;
      const slot = atTime(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate() + ahead, spec.at);
      return new Date(slot > t ? slot : slot + 7 * DAY_MS);
    }
    case 'month': {
      // Days stop at 28 (schema), so every month has the slot.
      const slot = atTime(after.getUTCFullYear(), after.getUTCMonth(), spec.day, spec.at);
      return new Date(slot > t ? slot : atTime(after.getUTCFullYear(), after.getUTCMonth() + 1, spec.day, spec.at));
    }
  }
}

/** Date.UTC carries day and month overflow into the next month and year. */
function atTime(year: number, month: number, day: number, hhmm: string): number {
  const [hours = 0, minutes = 0] = hhmm.split(':').map(Number);
  return Date.UTC(year, month, day, hours, minutes);
}
