import { zstdCompressSync, zstdDecompressSync, constants as zlib } from 'node:zlib';
import { PhoneSafeError } from '../../errors.ts';
import { ENVELOPE_OVERHEAD, FLAG_ZSTD, open, seal } from '../crypto/envelope.ts';
import type { MailRole } from './mail-keys.ts';

/**
 * A set's plaintext and its sealing (docs/design/mail-protocol.md, "Payload
 * and envelope"): `u32 BE n ‖ n bytes of JSON header ‖ data`, compressed
 * with zstd, sealed with the PSP1 envelope under the sender's key, the AAD
 * binding it to pair, direction, mail type, set, part count and answered
 * instruction; then cut into parts of at most `maxPart` bytes.
 */
export interface SetBinding {
  pairingId: string;
  role: MailRole;
  code: string;
  group: string;
  parts: number;
  re?: string;
}

export const DEFAULT_MAX_MAIL_PAYLOAD = 6 * 1024 * 1024;
export const DEFAULT_MAX_BUNDLE = 64 * 1024 * 1024;
export const MAX_PARTS = 16;

export function aadOf(b: SetBinding): Buffer {
  return Buffer.from(['phonesafe/mail/v1', b.pairingId, b.role, b.code, b.group, String(b.parts), b.re ?? ''].join('\0'), 'utf8');
}

export function encodeSetPlain(header: unknown, data: Buffer = Buffer.alloc(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json, data]);
}

/** The JSON header (not yet schema-checked) and the data after it. */
export function decodeSetPlain(plain: Buffer): { header: unknown; data: Buffer } {
  const length = plain.length >= 4 ? plain.readUInt32BE(0) : -1;
  if (length < 0 || 4 + length > plain.length) throw new PhoneSafeError('MAIL_REFUSED', 'the sealed payload is malformed');
  try {
    return { header: JSON.parse(plain.subarray(4, 4 + length).toString('utf8')), data: plain.subarray(4 + length) };
  } catch (cause) {
    throw new PhoneSafeError('MAIL_REFUSED', 'the sealed payload is malformed', {}, { cause });
  }
}

/**
 * Compresses and seals a plaintext, then cuts it into as many parts of at
 * most `maxPart` bytes as it needs (the count is bound in the AAD).
 */
export function sealIntoParts(key: Buffer, plain: Buffer, binding: Omit<SetBinding, 'parts'>, maxPart: number): Buffer[] {
  const packed = zstdCompressSync(plain, { params: { [zlib.ZSTD_c_compressionLevel]: 3 } });
  const count = Math.max(1, Math.ceil((packed.length + ENVELOPE_OVERHEAD) / maxPart));
  const sealed = seal(key, packed, aadOf({ ...binding, parts: count }), FLAG_ZSTD);
  return splitSealed(sealed, count);
}

/** Opens and decompresses a whole set; any change, wrong key or binding is MAIL_REFUSED (altered). */
export function openSet(key: Buffer, sealed: Buffer, binding: SetBinding, maxBytes = DEFAULT_MAX_BUNDLE + 1024 * 1024): Buffer {
  let opened;
  try {
    opened = open(key, sealed, aadOf(binding));
  } catch (cause) {
    throw new PhoneSafeError(
      'MAIL_REFUSED',
      'the sealed payload does not open: altered, or not for this pairing',
      { reason: 'altered' },
      { cause },
    );
  }
  if (!(opened.flags & FLAG_ZSTD)) return opened.plain;
  try {
    return zstdDecompressSync(opened.plain, { maxOutputLength: maxBytes });
  } catch (cause) {
    throw new PhoneSafeError('MAIL_TOO_LARGE', `the payload unpacks to more than ${maxBytes} bytes`, {}, { cause });
  }
}

/** Cuts sealed bytes into `count` nearly equal parts. */
export function splitSealed(sealed: Buffer, count: number): Buffer[] {
  const size = Math.ceil(sealed.length / count);
  return Array.from({ length: count }, (_, i) => sealed.subarray(i * size, Math.min(sealed.length, (i + 1) * size)));
}
