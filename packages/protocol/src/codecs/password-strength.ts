/**
 * The minimum strength of a new owner password (issue 11): at least 12
 * characters, and not guessable, as zxcvbn-ts (a well-kept port of
 * Dropbox's estimator, with its common-password and English word lists) scores it:
 * 3 of 4 or more ("safely unguessable"), with the owner's e-mail address and
 * the product's name counted as known to an attacker. The rule of every role
 * that sets one (the handset registering an owner, the pc changing or
 * recovering a password), so it lives once, here. Existing passwords still
 * log in: only a new one is checked.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as common } from '@zxcvbn-ts/language-common';
import { dictionary as english, translations } from '@zxcvbn-ts/language-en';
import { PhoneSafeError } from '../errors.ts';

export const MIN_PASSWORD_LENGTH = 12;
/** zxcvbn's 0-4 scale; 3: "safely unguessable: moderate protection from an offline slow-hash scenario". */
export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

export interface PasswordStrength {
  ok: boolean;
  /** zxcvbn's 0-4. */
  score: number;
  /** Why it is refused and what to do, for people; empty when ok. */
  advice: string;
}

export function passwordStrength(password: string, email?: string): PasswordStrength {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common, ...english }, graphs: adjacencyGraphs, translations });
  const known = ['phonesafe', ...(email ? [email, ...email.split(/[@.+_-]/)] : [])].filter((word) => word.length > 2);
  const result = estimator.check(password, known);
  const short = [...password].length < MIN_PASSWORD_LENGTH;
  const ok = !short && result.score >= MIN_PASSWORD_SCORE;
  const why = short
    ? `it is shorter than ${MIN_PASSWORD_LENGTH} characters`
    : `it is easy to guess${result.feedback.warning ? ` (${String(result.feedback.warning).replace(/\.$/, '').toLowerCase()})` : ''}`;
  return { ok, score: result.score, advice: ok ? '' : `${why}; four or more unrelated words make a strong one` };
}

/** USAGE error unless `password` is strong enough for a new owner password (`what`: "the new password"). */
export function checkNewPassword(password: string, options: { email?: string; what?: string } = {}): void {
  const strength = passwordStrength(password, options.email);
  if (!strength.ok) throw new PhoneSafeError('USAGE', `${options.what ?? 'the new password'} is too weak: ${strength.advice}`);
}
