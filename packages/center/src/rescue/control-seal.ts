/**
 * Control numbers at rest (rescue.md, Control numbers): no table holds one
 * in clear. It is sealed with AES-256-GCM under a key derived from the code
 * number (scrypt at CODE_COST, a random salt per rescue), bound to the
 * rescue's id, so only a caller with the code number can read it back, and
 * a stolen database costs as much per guess as the code hash does.
 *
 * `seal1$N$r$p$salt$iv$ciphertext$tag` (base64 fields). Control numbers the
 * center stored in clear before migration 0007 could not be sealed without
 * the code: they are kept as a scrypt hash (`scrypt$…`, checked on restore).
 */
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { scryptAsync } from '@phonesafe/protocol/node';
import { verifyAuthKey, type ScryptCost } from '../owners/auth-key-hash.ts';
import { CODE_COST } from './code-hash.ts';

const FORMAT = 'seal1';
const IV_BYTES = 12;

async function sealKey(code: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return scryptAsync(Buffer.from(`rescue-control\0${code}`, 'utf8'), salt, 32, cost);
}

/** Seals a control number for one rescue under its phone number's code number. */
export async function sealControl(control: string, code: string, rescueId: string): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', await sealKey(code, salt, CODE_COST), iv);
  cipher.setAAD(Buffer.from(rescueId, 'utf8'));
  const sealed = Buffer.concat([cipher.update(control, 'utf8'), cipher.final()]);
  const fields = [salt, iv, sealed, cipher.getAuthTag()].map((b) => b.toString('base64'));
  return [FORMAT, CODE_COST.N, CODE_COST.r, CODE_COST.p, ...fields].join('$');
}

/** The control number, or undefined when `code` is not the one it was sealed under (or the value is not a seal). */
export async function openControl(stored: string, code: string, rescueId: string): Promise<string | undefined> {
  const [format, N, r, p, salt, iv, sealed, tag] = stored.split('$');
  const cost = { N: Number(N), r: Number(r), p: Number(p) };
  if (format !== FORMAT || !salt || !iv || !sealed || !tag || !Object.values(cost).every(Number.isSafeInteger)) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', await sealKey(code, Buffer.from(salt, 'base64'), cost), Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(rescueId, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Constant-time equality of two control numbers (digits only). */
export function sameControl(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a control number against the hash migration 0007 made of one stored in clear (`rescue-control\0<digits>`). */
export const verifyLegacyControl = (control: string, stored: string): Promise<boolean> =>
  verifyAuthKey(Buffer.from(`rescue-control\0${control}`, 'utf8'), stored);
