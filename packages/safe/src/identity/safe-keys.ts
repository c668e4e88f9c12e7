/**
 * The safe's own keys, files in its data directory and never in its
 * database (docs/design/safes.md): `safe.key` (the Ed25519 signing seed and
 * the X25519 box key, 64 raw bytes) and `safe.secret` (32 bytes: the pepper
 * of owner verifiers and the key of owner references). Made on first start,
 * mode 0600; a database dump alone therefore opens nothing and tests no PIN.
 */
import { randomBytes, createHmac } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { boxKeyFromSeed, fingerprintOf, hkdf, safeIdOf, signingKeyFromSeed, type BoxKey, type SigningKey } from '@phonesafe/protocol/node';

export interface SafeKeys {
  readonly safeId: string;
  readonly sign: SigningKey;
  readonly box: BoxKey;
  readonly fingerprint: string;
  /** HMAC key of the owner verifiers (never stored in the database). */
  readonly pepper: Buffer;
  /** The owner reference of an e-mail address: stable at this safe, unlinkable across safes. */
  ownerRef(email: string): string;
}

async function fileOf(path: string, bytes: number): Promise<Buffer> {
  try {
    const existing = await readFile(path);
    if (existing.length !== bytes) throw new Error(`${path} has ${existing.length} bytes, not ${bytes}`);
    return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const fresh = randomBytes(bytes);
    // 'wx': two safes starting on one directory never overwrite each other's key.
    await writeFile(path, fresh, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    return readFile(path);
  }
}

export async function loadSafeKeys(dataDir: string): Promise<SafeKeys> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = await fileOf(join(dataDir, 'safe.key'), 64);
  const secret = await fileOf(join(dataDir, 'safe.secret'), 32);
  const sign = signingKeyFromSeed(key.subarray(0, 32));
  const box = boxKeyFromSeed(key.subarray(32, 64));
  const refKey = hkdf(secret, 'phonesafe/v1/safe/owner-ref');
  return {
    safeId: safeIdOf(sign.publicRaw),
    sign,
    box,
    fingerprint: fingerprintOf(sign.publicRaw),
    pepper: hkdf(secret, 'phonesafe/v1/safe/pepper'),
    ownerRef: (email) => createHmac('sha256', refKey).update(email.normalize('NFC').toLowerCase()).digest('hex').slice(0, 32),
  };
}
