/**
 * The owner's recovery key (issue 11, encryption.md "Recovery key"): 32
 * random bytes, shown once as 64 hex digits in groups of eight. From it,
 * HKDF derives an auth key (the center keeps its hash) and a key-encryption
 * key that wraps the data key a second time, so the key alone (no password)
 * can open the data key and set a new password. It has 256 bits of
 * entropy, so no scrypt is needed; the center still limits wrong tries.
 */
import { randomBytes } from 'node:crypto';
import { checkNewPassword } from '../../codecs/password-strength.ts';
import { PhoneSafeError } from '../../errors.ts';
import { deriveOwnerSecrets, hkdf, newKdfParams, DEFAULT_KDF_COST, type OwnerSecrets } from '../crypto/kdf.ts';
import { unwrapDataKey, wrapDataKey } from '../crypto/owner-keys.ts';
import type { CenterClient } from './center-client.ts';
import type { OwnerSession } from './owner-session.ts';

const KEY_BYTES = 32;

/** "0f3a…" → "0f3a9c1e-…": eight groups of eight hex digits. */
function formatRecoveryKey(bytes: Buffer): string {
  return (bytes.toString('hex').match(/.{8}/g) ?? []).join('-');
}

/** The key's bytes from what the owner typed: hex digits, dashes and spaces ignored, any case. USAGE otherwise. */
export function parseRecoveryKey(text: string): Buffer {
  const hex = text.replace(/[\s-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new PhoneSafeError('USAGE', 'a recovery key is 64 hex digits (dashes and spaces do not matter)');
  return Buffer.from(hex, 'hex');
}

export function deriveRecoverySecrets(key: Buffer): OwnerSecrets {
  if (key.length !== KEY_BYTES) throw new PhoneSafeError('USAGE', 'a recovery key is 32 bytes');
  return { authKey: hkdf(key, 'phonesafe/v1/recovery-auth'), kek: hkdf(key, 'phonesafe/v1/recovery-kek') };
}

/** Makes a new recovery key for the logged-in owner (replacing any earlier one) and answers it, for showing once. */
export async function setRecoveryKey(session: OwnerSession): Promise<string> {
  const key = randomBytes(KEY_BYTES);
  const secrets = deriveRecoverySecrets(key);
  const wrappedDataKey = wrapDataKey(secrets.kek, session.dataKey);
  await session.client.setRecovery({ recoveryAuthKey: secrets.authKey.toString('base64'), wrappedDataKey });
  return formatRecoveryKey(key);
}

/**
 * Sets a new password with the recovery key: opens the data key the center
 * keeps wrapped for it, wraps it with the new password's key (fresh KDF
 * parameters) and sends the new secrets; the center ends every session.
 * The recovery key stays valid. The new password must be strong.
 */
export async function recoverOwner(
  center: CenterClient,
  email: string,
  recoveryKey: string,
  newPassword: string,
  cost = DEFAULT_KDF_COST,
): Promise<{ endedSessions: number }> {
  checkNewPassword(newPassword, { email });
  const recovery = deriveRecoverySecrets(parseRecoveryKey(recoveryKey));
  const recoveryAuthKey = recovery.authKey.toString('base64');
  const { wrappedDataKey: forRecovery } = await center.openRecovery({ email, recoveryAuthKey });
  let dataKey: Buffer;
  try {
    dataKey = unwrapDataKey(recovery.kek, forRecovery);
  } catch (cause) {
    throw new PhoneSafeError('DECRYPT_FAILED', 'the data key could not be opened with this recovery key', {}, { cause });
  }
  const kdf = newKdfParams(cost);
  const next = await deriveOwnerSecrets(newPassword, kdf);
  const wrappedDataKey = wrapDataKey(next.kek, dataKey);
  return center.recover({ email, recoveryAuthKey, authKey: next.authKey.toString('base64'), kdf, wrappedDataKey });
}
