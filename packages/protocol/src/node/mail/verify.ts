import { createHash } from 'node:crypto';
import { AUTH_HEADER, CODE_HEADER, macMatches, parseTags, REQUIRED_SIGNED, signedText, type AuthTags } from './auth-info.ts';
import { extractPayload } from './compose.ts';
import { addressOf, headerValues, parseMessage, singleHeader, type RawMessage } from './headers.ts';
import type { MailKeys, MailRole } from './mail-keys.ts';
import { windowAccepts, type ReplayWindow } from './replay-window.ts';

/** Why a mail was refused (docs/design/mail-protocol.md, "Failure answers"). */
export type RefusalReason = 'bad-mac' | 'replay' | 'stale' | 'altered';

export interface VerifiedMail {
  code: string;
  tags: AuthTags;
  messageId: string;
  date: string;
  inReplyTo?: string;
  payload: Buffer;
}

/** What a refusal tells the owner: sanitised, length-capped (attacker text). */
export interface RefusedSummary {
  from: string;
  subject: string;
  messageId: string;
}

export type Verdict =
  | { ok: true; mail: VerifiedMail }
  | { ok: false; reason: RefusalReason; detail: string; summary: RefusedSummary }
  /** No MB-Direction-Code: not ours, left alone. */
  | { ok: false; reason: 'not-ours' };

export interface VerifyContext {
  keys: MailKeys;
  /** The role that must have sent it. */
  sender: MailRole;
  /** The registered address of that sender. */
  senderAddress: string;
  /** Direction codes this receiver takes. */
  codes: readonly string[];
  now: Date;
  /** Oldest acceptable age of `t`, per direction code (seconds). */
  maxAgeSeconds: (code: string) => number;
  window: ReplayWindow;
  nonceSeen: (nonce: string) => boolean;
}

export const FUTURE_SKEW_SECONDS = 5 * 60;
export const DATE_SKEW_SECONDS = 5 * 60;

const clean = (text: string | undefined) =>
  (text ?? '')
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, 200);

export function summaryOf(message: RawMessage | undefined): RefusedSummary {
  const get = (name: string) => (message ? headerValues(message, name)[0] : undefined);
  return { from: clean(get('from')), subject: clean(get('subject')), messageId: clean(get('message-id')) };
}

/** Checks one received mail in the documented order; no side effects (the caller records acceptance). */
export function verifyMail(raw: Buffer, ctx: VerifyContext): Verdict {
  const message = parseMessage(raw);
  if (!message || headerValues(message, CODE_HEADER).length === 0) return { ok: false, reason: 'not-ours' };
  const refuse = (reason: RefusalReason, detail: string): Verdict => ({ ok: false, reason, detail, summary: summaryOf(message) });
  const code = singleHeader(message, CODE_HEADER)?.trim() ?? '';
  if (!ctx.codes.includes(code)) return refuse('bad-mac', `direction code "${clean(code)}" is not one this side takes`);
  const authValue = singleHeader(message, AUTH_HEADER);
  const tags = authValue === undefined ? undefined : parseTags(authValue);
  if (!tags) return refuse('bad-mac', 'no valid MB-Authentication-Info');
  if (tags.k !== ctx.keys.pairingId || tags.d !== ctx.sender) return refuse('bad-mac', 'not from the paired peer');
  const from = singleHeader(message, 'from');
  if (!from || addressOf(from) !== ctx.senderAddress.toLowerCase()) return refuse('bad-mac', 'From is not the registered address');
  const required = [...REQUIRED_SIGNED, ...(tags.re !== undefined ? ['in-reply-to'] : [])];
  if (!required.every((name) => tags.h.includes(name))) return refuse('bad-mac', 'the signed header list is too short');
  const fields: Array<{ name: string; value: string }> = [];
  for (const name of tags.h) {
    const values = headerValues(message, name);
    if (values.length !== 1) return refuse('bad-mac', `signed header ${name} occurs ${values.length} times`);
    fields.push({ name, value: values[0]! });
  }
  if (!macMatches(ctx.keys.mac[ctx.sender], signedText(fields, tags), tags.b)) return refuse('bad-mac', 'the MAC does not match');
  const payload = extractPayload(message);
  if (!payload || payload.length !== tags.bl || createHash('sha256').update(payload).digest('base64url') !== tags.bh) {
    // The MAC matched, so the part number is the sender's: name it (the rest of the set waits for it).
    const part = tags.p.count > 1 ? `part ${tags.p.index} of ${tags.p.count}: ` : '';
    return refuse('altered', `${part}the body does not match its signed hash`);
  }
  const date = singleHeader(message, 'date') ?? '';
  const nowSeconds = ctx.now.getTime() / 1000;
  const dateSeconds = Date.parse(date) / 1000;
  if (tags.t > nowSeconds + FUTURE_SKEW_SECONDS || tags.t < nowSeconds - ctx.maxAgeSeconds(code))
    return refuse('stale', 'sent too long ago');
  if (!Number.isFinite(dateSeconds) || Math.abs(dateSeconds - tags.t) > DATE_SKEW_SECONDS) return refuse('stale', 'Date does not match t');
  if (!windowAccepts(ctx.window, tags.s) || ctx.nonceSeen(tags.n)) return refuse('replay', 'sequence number or nonce already used');
  const inReplyTo = singleHeader(message, 'in-reply-to')?.trim();
  const messageId = singleHeader(message, 'message-id')?.trim() ?? '';
  return { ok: true, mail: { code, tags, messageId, date: date.trim(), payload, ...(inReplyTo ? { inReplyTo } : {}) } };
}
