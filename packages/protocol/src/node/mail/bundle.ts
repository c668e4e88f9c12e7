import { createHash } from 'node:crypto';
import { PhoneSafeError } from '../../errors.ts';
import { MailBundleIndex } from '../../schemas/mail.ts';
import { decodeSetPlain, encodeSetPlain } from './payload.ts';

/** One file of a bundle with its bytes. */
export interface BundleFile {
  meta: MailBundleIndex['files'][number];
  bytes: Buffer;
}

/** `u32 n ‖ JSON index ‖ file bytes in index order` (docs/design/mail-protocol.md). */
export function encodeBundle(index: MailBundleIndex, files: readonly Buffer[]): Buffer {
  return encodeSetPlain(index, Buffer.concat(files));
}

/** The files of a bundle, each checked against its size and SHA-256; damage is MAIL_REFUSED. */
export function decodeBundle(bytes: Buffer): { index: MailBundleIndex; files: BundleFile[] } {
  const { header, data } = decodeSetPlain(bytes);
  const parsed = MailBundleIndex.safeParse(header);
  if (!parsed.success) throw new PhoneSafeError('MAIL_REFUSED', 'the bundle index is malformed');
  const files: BundleFile[] = [];
  let offset = 0;
  for (const meta of parsed.data.files) {
    const piece = data.subarray(offset, offset + meta.size);
    offset += meta.size;
    if (piece.length !== meta.size || createHash('sha256').update(piece).digest('hex') !== meta.sha256) {
      throw new PhoneSafeError('MAIL_REFUSED', `bundle file ${meta.path} does not match its hash`);
    }
    files.push({ meta, bytes: piece });
  }
  if (offset !== data.length) throw new PhoneSafeError('MAIL_REFUSED', 'the bundle has bytes its index does not name');
  return { index: parsed.data, files };
}
