/**
 * Short secrets a person types (a SIM's PIN and PUK, a terminal password) as
 * self-describing scrypt hashes `scrypt$N$r$p$salt$hash`, checked in
 * constant time. The guess limit is the caller's: the SIM counts its tries,
 * the center counts through its lockout.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { scryptAsync } from './kdf.ts';

/** 2^14: ~25 ms and 16 MiB here; a PIN's guess limit, not the hash, is what protects it. */
const SECRET_COST = { N: 1 << 14, r: 8, p: 1 } as const;
const HASH_BYTES = 32;

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, HASH_BYTES, SECRET_COST);
  const { N, r, p } = SECRET_COST;
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** False for a wrong secret and for a hash this function cannot read. */
export async function checkSecret(secret: string, stored: string): Promise<boolean> {
  const [algorithm, n, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (algorithm !== 'scrypt' || !salt || !hash || !Object.values(cost).every((v) => Number.isSafeInteger(v) && v > 0)) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64'), expected.length, cost);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
