/**
 * What a value on the card is (docs/design/safes.md, "The value and its
 * sealing"): its JSON document, its semantics by class, its digest 302 and
 * the wallet's list filters (FIG 3's "list within one week of the end of
 * the effective period").
 */
import { PhoneSafeError, Semantics, type ValueDigest } from '@phonesafe/protocol';
import { z } from 'zod';

const Day = z.iso.date();

export const WalletValue = z.strictObject({
  class: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a class is lower-case letters, digits and dashes'),
  name: z.string().max(128).optional(),
  unitPrice: z.number().nonnegative().optional(),
  qty: z.number().int().nonnegative().optional(),
  total: z.number().nonnegative().optional(),
  place: z.string().max(128).optional(),
  validFrom: Day.optional(),
  validTo: Day.optional(),
  remaining: z.number().nonnegative().optional(),
  remarks: z.string().max(1024).optional(),
  semantics: Semantics.optional(),
  data: z.string().max(65_536).optional(),
});
export type WalletValue = z.infer<typeof WalletValue>;

const BEARER = /^(e-money|prepaid|coupon|.*-ticket|ticket)$/;
const SECRET = /^(key|.*-key|seed|licence|license|passkey)$/;

/** Bearer value moves, secret value may be copied; the class decides unless the value says. */
export function semanticsOf(value: WalletValue): Semantics {
  if (value.semantics) return value.semantics;
  if (SECRET.test(value.class)) return 'secret';
  if (BEARER.test(value.class)) return 'bearer';
  return 'bearer';
}

/** Parses a value's exact bytes; USAGE naming the first bad field. */
export function parseValue(bytes: Uint8Array): WalletValue {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new PhoneSafeError('USAGE', 'the value is not JSON');
  }
  const parsed = WalletValue.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PhoneSafeError('USAGE', `the value is not valid: ${issue?.path.join('.') || 'value'}: ${issue?.message}`);
  }
  if (parsed.data.validFrom && parsed.data.validTo && parsed.data.validFrom > parsed.data.validTo) {
    throw new PhoneSafeError('USAGE', 'the value ends before it starts');
  }
  return parsed.data;
}

/** The digest fields by default: FIG 2(b), exactly class, name, quantity, validity and place. */
export const DEFAULT_DIGEST_FIELDS = ['class', 'name', 'qty', 'validity', 'place'] as const;

export function digestOf(value: WalletValue): ValueDigest {
  return {
    class: value.class,
    name: value.name ?? null,
    qty: value.qty ?? null,
    validity: { from: value.validFrom ?? null, to: value.validTo ?? null },
    place: value.place ?? null,
  };
}

export function titleOf(value: WalletValue): string {
  return value.name ? `${value.class} ${value.name}` : value.class;
}

export interface ListFilter {
  sign?: 'A' | 'B';
  class?: string;
  /** Valid for less than this many days from `asOf` (its validity ends within the window). */
  expiringDays?: number;
  asOf?: string;
}

/** Whether an entry with this class and validity passes the filter. */
export function passes(filter: ListFilter, row: { class: string; valid_to: string | null }, today: string): boolean {
  if (filter.class !== undefined && row.class !== filter.class) return false;
  if (filter.expiringDays !== undefined) {
    if (row.valid_to === null) return false;
    const from = filter.asOf ?? today;
    const end = new Date(Date.parse(`${from}T00:00:00Z`) + filter.expiringDays * 86_400_000).toISOString().slice(0, 10);
    if (row.valid_to < from || row.valid_to >= end) return false;
  }
  return true;
}
