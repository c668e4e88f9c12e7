/**
 * Bearer credentials of wire protocol v1: `o1.<tokenId>.<secret>` (owner) and
 * `h1.<handsetId>.<secret>` (handset). Secrets are 256-bit random, so the
 * center keeps only their SHA-256 (a slow hash adds nothing) and compares in
 * constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type CredentialKind = 'owner' | 'handset';

const PREFIXES: Record<string, CredentialKind> = { o1: 'owner', h1: 'handset' };
const PREFIX_OF: Record<CredentialKind, string> = { owner: 'o1', handset: 'h1' };
const BEARER = /^Bearer ([a-z0-9]+)\.([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$/;
/** Compared against when the id is unknown, so both failures take the same time. */
const DUMMY_HASH = hashSecret('phonesafe-no-such-credential');

export interface ParsedCredential {
  kind: CredentialKind;
  id: string;
  secret: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A fresh credential for `id` and the hash to store; the credential itself is shown once. */
export function issueCredential(kind: CredentialKind, id: string): { credential: string; secretHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { credential: `${PREFIX_OF[kind]}.${id}.${secret}`, secretHash: hashSecret(secret) };
}

export function parseBearer(header: string | undefined): ParsedCredential | undefined {
  const match = header === undefined ? null : BEARER.exec(header);
  if (!match) return undefined;
  const [, prefix = '', id = '', secret = ''] = match;
  const kind = PREFIXES[prefix];
  return kind ? { kind, id, secret } : undefined;
}

/** Constant-time check; `storedHash` undefined (unknown id) still costs one comparison. */
export function secretMatches(secret: string, storedHash: string | undefined): boolean {
  const expected = Buffer.from(storedHash ?? DUMMY_HASH, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const equal = expected.length === actual.length && timingSafeEqual(expected, actual);
  return equal && storedHash !== undefined;
}
