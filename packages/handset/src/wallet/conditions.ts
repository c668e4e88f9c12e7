/**
 * Backup conditions (V13, FIG 18–20; docs/design/safes.md): a rule is the
 * AND of its fields, a set of rules the OR. Pure: the card's rows and the
 * free space in, the selected values out. The reference date is part of the
 * condition (`asOf`, the seed's "the date is defined as March 15, 2000").
 *
 *   class=movie-ticket
 *   notUsableWithin=1M;asOf=2000-03-15     FIG 20(b) by the prose: {C, G}
 *   notExpiringWithin=3M;asOf=2000-03-15   what FIG 20(b)'s figure shows: {E, G}
 *   heldLongerThan=1w                      on the card for a week or more (by day)
 */
import { PhoneSafeError } from '@phonesafe/protocol';

export interface Condition {
  class?: string;
  sizeAbove?: number;
  sizeBelow?: number;
  /** Only while the card has less free space than this many bytes. */
  freeBelow?: number;
  /** No usable day in [asOf, asOf + span]. */
  notUsableWithin?: Span;
  /** The validity ends within [asOf, asOf + span]. */
  expiresWithin?: Span;
  /** No end of validity, or one after asOf + span. */
  notExpiringWithin?: Span;
  /** Held on the card since at least this span before asOf (V13 holding start). */
  heldLongerThan?: Span;
  asOf?: string;
}

export interface Span {
  months: number;
  days: number;
}

export interface Candidate {
  pointer: number;
  class: string;
  size: number;
  validFrom: string | null;
  validTo: string | null;
  /** When the card began to hold it (ISO time); null: unknown, never selected by heldLongerThan. */
  heldSince: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function span(text: string, field: string): Span {
  const m = /^(\d+)([dwMy])$/.exec(text);
  if (!m) throw new PhoneSafeError('USAGE', `${field} is a span like 7d, 2w, 1M or 1y, not '${text}'`);
  const n = Number(m[1]);
  return m[2] === 'd'
    ? { months: 0, days: n }
    : m[2] === 'w'
      ? { months: 0, days: 7 * n }
      : m[2] === 'M'
        ? { months: n, days: 0 }
        : { months: 12 * n, days: 0 };
}

function size(text: string, field: string): number {
  if (!/^\d+$/.test(text)) throw new PhoneSafeError('USAGE', `${field} is a number of bytes, not '${text}'`);
  return Number(text);
}

/** `field=value;field=value` → one rule; USAGE naming an unknown field or a bad value. */
export function parseCondition(text: string): Condition {
  const rule: Condition = {};
  for (const part of text.split(';').filter((p) => p.trim() !== '')) {
    const [field = '', value = ''] = part.split('=').map((s) => s.trim());
    if (field === 'class') rule.class = value;
    else if (field === 'sizeAbove' || field === 'sizeBelow' || field === 'freeBelow') rule[field] = size(value, field);
    else if (field === 'notUsableWithin' || field === 'expiresWithin' || field === 'notExpiringWithin' || field === 'heldLongerThan')
      rule[field] = span(value, field);
    else if (field === 'asOf') {
      if (!DAY.test(value)) throw new PhoneSafeError('USAGE', `asOf is a date YYYY-MM-DD, not '${value}'`);
      rule.asOf = value;
    } else throw new PhoneSafeError('USAGE', `unknown condition field '${field}'`);
  }
  if (Object.keys(rule).length === 0) throw new PhoneSafeError('USAGE', 'an empty condition');
  return rule;
}

/** The day `span` after `day` (calendar months, then days; UTC). */
export function after(day: string, s: Span): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + s.months);
  d.setUTCDate(d.getUTCDate() + s.days);
  return d.toISOString().slice(0, 10);
}

function matches(rule: Condition, v: Candidate, free: number, today: string): boolean {
  const asOf = rule.asOf ?? today;
  const checks: Array<() => boolean> = [
    () => rule.class === undefined || v.class === rule.class,
    () => rule.sizeAbove === undefined || v.size > rule.sizeAbove,
    () => rule.sizeBelow === undefined || v.size < rule.sizeBelow,
    () => rule.freeBelow === undefined || free < rule.freeBelow,
    () => {
      if (!rule.notUsableWithin) return true;
      const end = after(asOf, rule.notUsableWithin);
      const usable = (v.validFrom === null || v.validFrom <= end) && (v.validTo === null || v.validTo >= asOf);
      return !usable;
    },
    () => !rule.expiresWithin || (v.validTo !== null && v.validTo >= asOf && v.validTo <= after(asOf, rule.expiresWithin)),
    () => !rule.notExpiringWithin || v.validTo === null || v.validTo > after(asOf, rule.notExpiringWithin),
    () => !rule.heldLongerThan || (v.heldSince !== null && after(v.heldSince.slice(0, 10), rule.heldLongerThan) <= asOf),
  ];
  return checks.every((check) => check());
}

/** The values any rule selects, in card order. */
export function select(rules: readonly Condition[], values: readonly Candidate[], free: number, today: string): Candidate[] {
  return values.filter((v) => rules.some((rule) => matches(rule, v, free, today)));
}
