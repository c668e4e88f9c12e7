/**
 * The authentication device's challenge (V12, docs/design/safes.md
 * "Authentication device"), checked both ways: the safe signs a challenge
 * bound to one deposit (its id, serial and hash), a fresh random value and a
 * time; the device answers only a challenge that verifies under the safe key
 * the device itself pinned, and the safe releases only against the answer's
 * signature under the device key registered with the deposit. Both
 * signatures are Ed25519 under their own domain, so neither can stand for
 * any other signature of the system.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PhoneSafeError } from '../../errors.ts';
import type { DeviceChallenge } from '../../schemas/safe.ts';
import { b64url, fromB64url, sha256, signUnder, verifyUnder, type SigningKey } from './safe-crypto.ts';

export const SAFE_CHALLENGE_DOMAIN = 'phonesafe/v1/safe/device-challenge';
export const DEVICE_ANSWER_DOMAIN = 'phonesafe/v1/authdev/answer';

export const ChallengeBody = z.strictObject({
  v: z.literal(1),
  type: z.literal('phonesafe.device-challenge'),
  safe: z.string().max(64),
  serial: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  device: z.string().max(64),
  nonce: z.string().min(22).max(64),
  at: z.iso.datetime(),
});
export type ChallengeBody = z.infer<typeof ChallengeBody>;

/** `ad_` and the first 16 hex digits of SHA-256 of the device's public key. */
export function deviceIdOf(publicKey: Uint8Array): string {
  return `ad_${sha256(publicKey).toString('hex').slice(0, 16)}`;
}

/** The safe's side: a fresh challenge for one deposit and the device key registered with it. */
export function makeChallenge(safe: SigningKey, input: Omit<ChallengeBody, 'v' | 'type' | 'nonce' | 'at'>, at: Date): DeviceChallenge {
  const body: ChallengeBody = { v: 1, type: 'phonesafe.device-challenge', ...input, nonce: b64url(randomBytes(24)), at: at.toISOString() };
  const bytes = Buffer.from(JSON.stringify(body));
  return { body: b64url(bytes), sig: b64url(signUnder(safe, SAFE_CHALLENGE_DOMAIN, bytes)) };
}

/** The challenge's body if `safePub` signed it; SAFE_KEY_MISMATCH otherwise (the device's refusal of a rogue safe). */
export function checkChallenge(safePub: Uint8Array, challenge: DeviceChallenge): ChallengeBody {
  const bytes = fromB64url(challenge.body);
  if (!verifyUnder(safePub, SAFE_CHALLENGE_DOMAIN, bytes, fromB64url(challenge.sig))) {
    throw new PhoneSafeError('SAFE_KEY_MISMATCH', 'the challenge is not signed by the safe this device pinned');
  }
  const parsed = ChallengeBody.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success) throw new PhoneSafeError('SAFE_KEY_MISMATCH', 'the challenge is malformed');
  return parsed.data;
}

/** The device's answer: its signature over the challenge's exact bytes. */
export function answerChallenge(device: SigningKey, challenge: DeviceChallenge): string {
  return b64url(signUnder(device, DEVICE_ANSWER_DOMAIN, fromB64url(challenge.body)));
}

/** The safe's check of an answer against the device key registered with the deposit. */
export function answerVerifies(devicePub: Uint8Array, challenge: DeviceChallenge, answer: string): boolean {
  return verifyUnder(devicePub, DEVICE_ANSWER_DOMAIN, fromB64url(challenge.body), fromB64url(answer));
}
