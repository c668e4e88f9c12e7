import { z } from 'zod';

/**
 * Phone numbers (the rescue desk's key, rescue.md) in one canonical form,
 * E.164 `+<country code><number>`: spaces, dashes, dots and parentheses are
 * dropped and a missing `+` is added, so `+81 90-1234-5678` and
 * `819012345678` are one number, never two owners'. 7-15 digits (E.164 has
 * at most 15; the shortest numbers in use, e.g. Saint Helena's, have 7), and
 * never a leading 0: a national number must be given with its country code.
 *
 * A syntactic rule rather than a numbering-plan library: the canonical form
 * is a stored key (phone numbers, code rows, lock counters), so it must not
 * change when a library's plan data does, and migration 0007 carries a
 * frozen copy of it.
 */
const SEPARATORS = /[\s().-]/g;

export type PhoneCheck = { ok: true; phone: string } | { ok: false; problem: string };

export function canonicalPhone(value: string): PhoneCheck {
  const stripped = value.replace(SEPARATORS, '');
  const phone = stripped.startsWith('+') ? stripped : `+${stripped}`;
  if (!/^\+[0-9]+$/.test(phone))
    return { ok: false, problem: 'a phone number is digits with an optional leading + (spaces, dashes, dots and parentheses are ignored)' };
  if (phone[1] === '0')
    return {
      ok: false,
      problem: 'give the phone number with its country code, as +81 90 1234 5678, not as a national number with a leading 0',
    };
  const digits = phone.length - 1;
  if (digits < 7 || digits > 15) return { ok: false, problem: 'a phone number is 7-15 digits with its country code (E.164)' };
  return { ok: true, phone };
}

/** Parses to the canonical form; answers and stored rows carry only that form. */
export const PhoneNumber = z.string().transform((value, ctx) => {
  const check = canonicalPhone(value);
  if (check.ok) return check.phone;
  ctx.addIssue({ code: 'custom', message: check.problem });
  return z.NEVER;
});
