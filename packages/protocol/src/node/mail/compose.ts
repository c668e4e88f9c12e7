import { createHash, randomBytes } from 'node:crypto';
import { AUTH_HEADER, CODE_HEADER, foldTags, formatTags, macOf, REQUIRED_SIGNED, signedText, type AuthTags } from './auth-info.ts';
import { headerValues, type RawMessage } from './headers.ts';
import type { MailKeys, MailRole } from './mail-keys.ts';

/** One mail to compose (docs/design/mail-protocol.md, "The mail as sent"). */
export interface MailToCompose {
  keys: MailKeys;
  role: MailRole;
  code: string;
  seq: number;
  now: Date;
  from: string;
  to: string;
  subject: string;
  /** Set id and this mail's part of it. */
  group: string;
  part: { index: number; count: number };
  payload: Buffer;
  /** Answers: the instruction's nonce and Message-ID. */
  re?: string;
  inReplyTo?: string;
  nonce?: string;
  /** The readable text part (not signed: owner notices repeat the signed facts in it). */
  text?: string;
}

export const newNonce = (): string => randomBytes(16).toString('base64url');

/** RFC 5322 date: `Thu, 01 Jan 2026 05:00:00 +0000`. */
export function mailDate(at: Date): string {
  return at.toUTCString().replace(/GMT$/, '+0000');
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/** The raw message, MB- headers first, the payload as one base64 attachment. */
export function composeMail(m: MailToCompose): { raw: Buffer; messageId: string; nonce: string } {
  const nonce = m.nonce ?? newNonce();
  const messageId = `<ps1.${nonce}@${domainOf(m.from)}>`;
  const fields: Array<{ name: string; value: string }> = [
    { name: 'From', value: ` <${m.from}>` },
    { name: 'To', value: ` <${m.to}>` },
    { name: 'Date', value: ` ${mailDate(m.now)}` },
    { name: 'Message-ID', value: ` ${messageId}` },
    { name: 'Subject', value: ` ${m.subject}` },
    { name: CODE_HEADER, value: ` ${m.code}` },
    ...(m.inReplyTo ? [{ name: 'In-Reply-To', value: ` ${m.inReplyTo}` }] : []),
  ];
  const tags: AuthTags = {
    k: m.keys.pairingId,
    d: m.role,
    s: m.seq,
    t: Math.floor(m.now.getTime() / 1000),
    n: nonce,
    ...(m.re ? { re: m.re } : {}),
    g: m.group,
    p: m.part,
    h: [...REQUIRED_SIGNED, ...(m.inReplyTo ? ['in-reply-to'] : [])],
    bl: m.payload.length,
    bh: createHash('sha256').update(m.payload).digest('base64url'),
    b: '',
  };
  tags.b = macOf(m.keys.mac[m.role], signedText(fields, tags));
  const byName = (name: string) => fields.find((f) => f.name === name)!;
  const boundary = `ps-${nonce}`;
  const lines = [
    `${CODE_HEADER}:${byName(CODE_HEADER).value}`,
    `${AUTH_HEADER}: ${foldTags(formatTags(tags))}`,
    ...fields.filter((f) => f.name !== CODE_HEADER).map((f) => `${f.name}:${f.value}`),
    ...(m.inReplyTo ? [`References: ${m.inReplyTo}`] : []),
    `Auto-Submitted: ${m.re ? 'auto-replied' : 'auto-generated'}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    ...(m.text ?? 'PhoneSafe mail for a paired device. Its content is encrypted.').split(/\r?\n/),
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="phonesafe.psm"',
    'Content-Transfer-Encoding: base64',
    '',
    ...(m.payload.toString('base64').match(/.{1,76}/g) ?? []),
    `--${boundary}--`,
    '',
  ];
  return { raw: Buffer.from(lines.join('\r\n'), 'latin1'), messageId, nonce };
}

/**
 * The decoded payload of one of our mails: the one application/octet-stream
 * part of the multipart body. Undefined when the body is not laid out so.
 */
export function extractPayload(message: RawMessage): Buffer | undefined {
  const type = headerValues(message, 'content-type')[0] ?? '';
  const boundary = /boundary="?([^";\s]+)"?/i.exec(type)?.[1];
  if (!boundary) return undefined;
  const pieces = message.body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?\\r?\\n?`));
  const found = pieces.filter((piece) => /content-type:\s*application\/octet-stream/i.test(piece.slice(0, 2048)));
  if (found.length !== 1) return undefined;
  const piece = found[0]!;
  const blank = /\r?\n\r?\n/.exec(piece);
  if (!blank || !/content-transfer-encoding:\s*base64/i.test(piece.slice(0, blank.index))) return undefined;
  const base64 = piece.slice(blank.index + blank[0].length).replace(/[\r\n\t ]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return undefined;
  return Buffer.from(base64, 'base64');
}
