/**
 * The rescue desk's numbers (docs/design/rescue.md), once for every role:
 * the center issues and checks control numbers, the pc and the handset's CLI
 * check what the owner typed before it costs a try at the center. Neutral
 * (no `node:` module): randomness is passed in, so a browser can use it too.
 *
 * - Code numbers: digits the owner sets in advance, the credential at the
 *   desk. Given: 4-12 digits (codes set before the 8-digit minimum still
 *   work); set: 8-12, so a stolen database is not searched in minutes.
 * - Control numbers (R2): 15 random digits and a Luhn check digit, shown as
 *   4-4-4-4. Random, not sequential, so one number says nothing about
 *   another; the check digit catches a mistyped digit or swapped neighbours
 *   before the number is even looked up. They share no format with backup ids.
 * - Phone numbers: the canonical E.164 form of `schemas/phone.ts`.
 *
 * The `check…`/`normalize…` functions throw USAGE and never repeat a code
 * number in their message.
 */
import { PhoneSafeError } from '../errors.ts';
import { canonicalPhone } from '../schemas/phone.ts';

/** A code number as given at the desk. */
export const CODE_NUMBER = /^[0-9]{4,12}$/;
export const CODE_NUMBER_RULE = 'a code number is 4-12 digits';
/** A code number being set (rescue.md, Code numbers). */
export const NEW_CODE_NUMBER = /^[0-9]{8,12}$/;
export const NEW_CODE_NUMBER_RULE = 'a new code number is 8-12 digits';

const CONTROL_RANDOM_DIGITS = 15;
/** A control number's digits, separators stripped. */
export const CONTROL_NUMBER = /^[0-9]{16}$/;
/** Dashes and spaces are ignored wherever a control number is read. */
const CONTROL_SEPARATORS = /[\s-]/g;

/** A new control number: 15 digits from `randomInt` (uniform in [0, max), e.g. node:crypto's) and the check digit. */
export function newControlNumber(randomInt: (max: number) => number): string {
  let digits = '';
  for (let i = 0; i < CONTROL_RANDOM_DIGITS; i++) digits += String(randomInt(10));
  return digits + luhnDigit(digits);
}

/** True for 16 digits whose last is the Luhn check digit of the others. Dashes and spaces are ignored. */
export function isControlNumber(value: string): boolean {
  const digits = stripControl(value);
  return CONTROL_NUMBER.test(digits) && luhnDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** `1234567890123456` → `1234-5678-9012-3456`, the way the owner is told it; anything but 16 digits is returned as it is. */
export function formatControlNumber(value: string): string {
  const digits = stripControl(value);
  return CONTROL_NUMBER.test(digits) ? digits.replace(/(\d{4})(?=\d)/g, '$1-') : value;
}

/** A control number typed by the owner, as its 16 digits; a typo is caught here, before it counts as a wrong control number at the center. */
export function normalizeControl(value: string): string {
  const control = stripControl(value);
  if (!CONTROL_NUMBER.test(control))
    throw new PhoneSafeError('USAGE', `a control number is 16 digits (shown as 1234-5678-9012-3456), not '${value}'`);
  if (!luhnValid(control))
    throw new PhoneSafeError('USAGE', `the control number ${formatControlNumber(control)} does not check out (a mistyped digit?)`);
  return control;
}

/** The digit that makes `payload + digit` pass the Luhn check. */
export function luhnDigit(payload: string): string {
  // From the right, every second digit of the payload is doubled (it sits left of the check digit).
  return String((10 - (luhnSum(payload, true) % 10)) % 10);
}

/** The Luhn check over all digits, the last being the check digit. */
export function luhnValid(digits: string): boolean {
  return luhnSum(digits, false) % 10 === 0;
}

/** `+81 90-1234-5678` → `+819012345678`, the center's canonical form; refused here (USAGE) rather than spending one of the tries at the center. */
export function normalizePhone(value: string): string {
  const check = canonicalPhone(value);
  if (!check.ok) throw new PhoneSafeError('USAGE', `${check.problem}, not '${value}'`);
  return check.phone;
}

/** Checks the shape of a code number given at the desk, never putting it in the message. */
export function checkCode(code: string): string {
  if (!CODE_NUMBER.test(code)) throw new PhoneSafeError('USAGE', CODE_NUMBER_RULE);
  return code;
}

/** Checks a code number being set, never putting it in the message. */
export function checkNewCode(code: string): string {
  if (!NEW_CODE_NUMBER.test(code)) throw new PhoneSafeError('USAGE', NEW_CODE_NUMBER_RULE);
  return code;
}

/** The digits of a control number as typed or shown (dashes and spaces dropped). */
export function stripControl(value: string): string {
  return value.replace(CONTROL_SEPARATORS, '');
}

/** The digits summed from the right, every second one doubled (less 9 when over 9), starting with the rightmost when `doubleRightmost`. */
function luhnSum(digits: string, doubleRightmost: boolean): number {
  let sum = 0;
  for (let i = digits.length - 1, double = doubleRightmost; i >= 0; i--, double = !double) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}
