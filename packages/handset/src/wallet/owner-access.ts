/**
 * The owner's PIN at a safe (docs/design/safes.md, "Owner authentication"):
 * stretched on the handset with scrypt, then one access key per safe, so a
 * safe can never replay it at another. Neither the PIN nor a key is stored.
 */
import { PhoneSafeError } from '@phonesafe/protocol';
import { fromB64url, hkdf, scryptAsync } from '@phonesafe/protocol/node';

export const DEFAULT_SCRYPT_N = 1 << 15;

export function checkPin(pin: string): string {
  const normal = pin.normalize('NFC');
  if (!/^\d{6,}$/.test(normal) && normal.length < 10) {
    throw new PhoneSafeError('USAGE', 'a wallet PIN has at least 6 digits (or use a passphrase of at least 10 characters)');
  }
  return normal;
}

export async function accessKey(pin: string, salt: string, safeId: string, scryptN = DEFAULT_SCRYPT_N): Promise<Buffer> {
  const stretched = await scryptAsync(checkPin(pin), fromB64url(salt), 32, { N: scryptN, r: 8, p: 1 });
  return hkdf(stretched, `phonesafe/v1/wallet/safe-access\0${safeId}`);
}
