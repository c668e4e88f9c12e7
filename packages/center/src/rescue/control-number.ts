/**
 * Control numbers (R2): 15 random digits and a Luhn check digit, shown as
 * 4-4-4-4. Random, not sequential, so one number says nothing about another;
 * the check digit catches a mistyped digit or swapped neighbours before the
 * number is even looked up. They share no format with backup ids.
 */
import { randomInt } from 'node:crypto';

const RANDOM_DIGITS = 15;

export function newControlNumber(): string {
  let digits = '';
  for (let i = 0; i < RANDOM_DIGITS; i++) digits += String(randomInt(10));
  return digits + luhnDigit(digits);
}

/** True for 16 digits whose last is the Luhn check digit of the others. Dashes and spaces are ignored. */
export function isControlNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  return /^[0-9]{16}$/.test(digits) && luhnDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** `1234-5678-9012-3456`, the way the owner is told it. */
export function formatControlNumber(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1-');
}

/** The digit that makes `payload + digit` pass the Luhn check. */
export function luhnDigit(payload: string): string {
  let sum = 0;
  // From the right, every second digit of the payload is doubled (it sits left of the check digit).
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = Number(payload[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}
