import { createHash, randomBytes } from 'node:crypto';
import { PhoneSafeError } from '../../errors.ts';
import { hkdf } from '../crypto/kdf.ts';

/** The keys of one pc–handset pair (docs/design/mail-protocol.md, "Pairing and keys"). */
export interface MailKeys {
  /** The `k=` tag: names the pair, reveals nothing about the secret. */
  pairingId: string;
  mac: { pc: Buffer; hs: Buffer };
  enc: { pc: Buffer; hs: Buffer };
}

/** The sender of a mail: the owner's pc or the handset. */
export type MailRole = 'pc' | 'hs';

export const SECRET_BYTES = 32;

export function newPairingSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** Keys per direction: `mac.pc` signs what the pc sends, `mac.hs` what the handset sends. */
export function deriveMailKeys(secret: Buffer): MailKeys {
  if (secret.length !== SECRET_BYTES) throw new PhoneSafeError('MAIL_NOT_PAIRED', 'a pairing secret is 32 bytes');
  return {
    pairingId: hkdf(secret, 'phonesafe/mail/v1/id', 8).toString('hex'),
    mac: { pc: hkdf(secret, 'phonesafe/mail/v1/mac/pc-to-handset'), hs: hkdf(secret, 'phonesafe/mail/v1/mac/handset-to-pc') },
    enc: { pc: hkdf(secret, 'phonesafe/mail/v1/enc/pc-to-handset'), hs: hkdf(secret, 'phonesafe/mail/v1/enc/handset-to-pc') },
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const PREFIX = 'PSM1-';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Buffer | undefined {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) return undefined;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

const check = (secret: Buffer) => createHash('sha256').update(secret).digest().subarray(0, 2);

/** The pairing code shown once by `pc mail-pair`: PSM1- + base32(secret ‖ 2 check bytes), in groups of 4. */
export function pairingCode(secret: Buffer): string {
  const text = base32(Buffer.concat([secret, check(secret)]));
  return PREFIX + (text.match(/.{1,4}/g) ?? []).join('-');
}

/** The secret of a pairing code; a mistyped code (bad characters, length or check bytes) is MAIL_NOT_PAIRED. */
export function secretOfPairingCode(code: string): Buffer {
  const text = code
    .trim()
    .toUpperCase()
    .replace(/^PSM1-/, '')
    .replace(/[-\s]/g, '');
  const bytes = unbase32(text);
  const secret = bytes?.subarray(0, SECRET_BYTES);
  if (!bytes || !secret || bytes.length !== SECRET_BYTES + 2 || !bytes.subarray(SECRET_BYTES).equals(check(secret))) {
    throw new PhoneSafeError('MAIL_NOT_PAIRED', 'this is not a valid pairing code (mistyped?)');
  }
  return Buffer.from(secret);
}
