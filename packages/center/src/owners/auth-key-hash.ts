/**
 * The owner's auth key is hashed again with scrypt before it is stored
 * (encryption.md), as a self-describing string `scrypt$N$r$p$salt$hash`, so
 * the cost can be raised later without breaking stored hashes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { scryptAsync } from '@phonesafe/protocol/node';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

// The auth key is a 256-bit HKDF output, not a password: a moderate cost suffices.
const COST: ScryptCost = { N: 1 << 14, r: 8, p: 1 };
const HASH_BYTES = 32;

/** `cost` is for secrets that need more than the auth key's (rescue code numbers). */
export async function hashAuthKey(authKey: Buffer, cost: ScryptCost = COST): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(authKey, salt, HASH_BYTES, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** False for a wrong key and for a stored value of another format. */
export async function verifyAuthKey(authKey: Buffer, stored: string): Promise<boolean> {
  const [algorithm, N, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(N), r: Number(r), p: Number(p) };
  if (algorithm !== 'scrypt' || !salt || !hash || !Object.values(cost).every(Number.isSafeInteger)) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(authKey, Buffer.from(salt, 'base64'), expected.length, cost);
  return timingSafeEqual(actual, expected);
}

/** Spends the same time as a verification, for unknown e-mails (no timing oracle for registration). */
export async function burnAuthKeyCheck(authKey: Buffer, cost: ScryptCost = COST): Promise<void> {
  await scryptAsync(authKey, Buffer.alloc(16), HASH_BYTES, cost);
}
