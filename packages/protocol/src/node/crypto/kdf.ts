import { hkdfSync, randomBytes, scrypt } from 'node:crypto';
import { PhoneSafeError } from '../../errors.ts';
import { KdfParams } from '../../schemas/owner.ts';

/** restic uses N=2^15..2^16; 2^15 costs ~50 ms here and 32 MiB of memory. */
export const DEFAULT_KDF_COST = { N: 1 << 15, r: 8, p: 1 } as const;

export function newKdfParams(cost: { N: number; r: number; p: number } = DEFAULT_KDF_COST): KdfParams {
  return { algorithm: 'scrypt', salt: randomBytes(16).toString('base64'), ...cost };
}

export interface OwnerSecrets {
  /** Sent to the center as the login secret; the center hashes it again. */
  authKey: Buffer;
  /** Wraps the owner's data key; never leaves the client. */
  kek: Buffer;
}

export function scryptAsync(
  secret: string | Buffer,
  salt: Buffer,
  length: number,
  cost: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const maxmem = 256 * cost.N * cost.r + 1024 * 1024;
    scrypt(secret, salt, length, { N: cost.N, r: cost.r, p: cost.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export function hkdf(key: Buffer, info: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, length));
}

/**
 * Throws BAD_REQUEST, before any scrypt work, for parameters out of the
 * bounds of `KdfParams`: they may come from a center, and a hostile one
 * must not make this process allocate what it asks for.
 */
export async function deriveOwnerSecrets(password: string, kdf: KdfParams): Promise<OwnerSecrets> {
  const checked = KdfParams.safeParse(kdf);
  if (!checked.success) {
    const why = checked.error.issues.map((issue) => `${issue.path.join('.') || 'kdf'}: ${issue.message}`).join('; ');
    throw new PhoneSafeError('BAD_REQUEST', `refusing KDF parameters out of bounds (${why})`);
  }
  const master = await scryptAsync(password.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 64, kdf);
  return { authKey: hkdf(master, 'phonesafe/v1/auth'), kek: hkdf(master, 'phonesafe/v1/kek') };
}
