import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PhoneSafeError } from '../../errors.ts';

/** Layout in docs/design/encryption.md: magic, algorithm, flags, nonce, ciphertext, tag. */
const MAGIC = Buffer.from('PSP1', 'ascii');
const ALG_AES_256_GCM = 1;
export const HEADER_BYTES = 6;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const ENVELOPE_OVERHEAD = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;

export const FLAG_ZSTD = 1;

function header(flags: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h[4] = ALG_AES_256_GCM;
  h[5] = flags;
  return h;
}

/** Seals `plain` with AES-256-GCM; `aad` is bound to the ciphertext together with the header. */
export function seal(key: Buffer, plain: Uint8Array, aad: Uint8Array, flags = 0): Buffer {
  const h = header(flags);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.concat([h, aad]));
  const body = cipher.update(plain);
  const final = cipher.final();
  return Buffer.concat([h, nonce, body, final, cipher.getAuthTag()]);
}

export interface Opened {
  plain: Buffer;
  flags: number;
}

/** Opens a sealed envelope; any tampering, wrong key or wrong `aad` gives DECRYPT_FAILED. */
export function open(key: Buffer, sealed: Uint8Array, aad: Uint8Array): Opened {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < ENVELOPE_OVERHEAD || !bytes.subarray(0, 4).equals(MAGIC) || bytes[4] !== ALG_AES_256_GCM) {
    throw new PhoneSafeError('DECRYPT_FAILED', 'not a PhoneSafe sealed envelope');
  }
  const flags = bytes[5] ?? 0;
  const nonce = bytes.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(HEADER_BYTES + NONCE_BYTES, bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.concat([bytes.subarray(0, HEADER_BYTES), aad]));
    decipher.setAuthTag(tag);
    return { plain: Buffer.concat([decipher.update(body), decipher.final()]), flags };
  } catch (cause) {
    throw new PhoneSafeError('DECRYPT_FAILED', undefined, {}, { cause });
  }
}
