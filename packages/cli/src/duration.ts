import { PhoneSafeError } from '@phonesafe/protocol';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
type Unit = keyof typeof UNIT_SECONDS;

/**
 * The one duration syntax of the CLI: a whole number and a unit, `s`, `m`,
 * `h`, `d` or `w` (`60s`, `10m`, `90d`); several may follow each other
 * (`1h30m`). Answers whole seconds. `option` names the flag in errors.
 */
export function parseDuration(value: string, option = 'duration'): number {
  const text = value.trim();
  const parts = [...text.matchAll(/(\d+)([smhdw])/g)];
  if (text === '' || parts.map((p) => p[0]).join('') !== text) {
    throw new PhoneSafeError('USAGE', `${option} must be a number and a unit (s, m, h, d, w) like 60s, 10m or 90d, not '${value}'`);
  }
  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2] as Unit], 0);
  if (!Number.isSafeInteger(seconds)) throw new PhoneSafeError('USAGE', `${option} is too long: '${value}'`);
  return seconds;
}

/** 5400 → "1h30m", 0 → "0s": the shortest text parseDuration reads back to the same seconds. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = Math.round(seconds);
  let text = '';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_SECONDS[unit];
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}

/** A commander argParser for a duration flag. */
export function durationOption(flag: string): (value: string) => number {
  return (value) => parseDuration(value, flag);
}
