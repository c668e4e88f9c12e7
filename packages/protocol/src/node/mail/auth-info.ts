import { createHmac, timingSafeEqual } from 'node:crypto';
import { relaxedField } from './headers.ts';
import type { MailRole } from './mail-keys.ts';

/** The tags of `MB-Authentication-Info` (docs/design/mail-protocol.md, "Tags"). */
export interface AuthTags {
  k: string;
  d: MailRole;
  s: number;
  t: number;
  n: string;
  re?: string;
  g: string;
  p: { index: number; count: number };
  h: string[];
  bl: number;
  bh: string;
  b: string;
}

export const AUTH_HEADER = 'MB-Authentication-Info';
export const CODE_HEADER = 'MB-Direction-Code';
/** The headers every mail signs; answers add in-reply-to. */
export const REQUIRED_SIGNED = ['from', 'to', 'date', 'message-id', 'subject', 'mb-direction-code'] as const;

const ORDER = ['v', 'a', 'k', 'd', 's', 't', 'n', 're', 'g', 'p', 'h', 'bl', 'bh', 'b'] as const;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** The tag list, with `b` as given (empty while signing). */
export function formatTags(tags: AuthTags): string {
  const values: Record<string, string | undefined> = {
    v: '1',
    a: 'hmac-sha256',
    k: tags.k,
    d: tags.d,
    s: String(tags.s),
    t: String(tags.t),
    n: tags.n,
    re: tags.re,
    g: tags.g,
    p: `${tags.p.index}/${tags.p.count}`,
    h: tags.h.join(':'),
    bl: String(tags.bl),
    bh: tags.bh,
    b: tags.b,
  };
  return ORDER.filter((tag) => values[tag] !== undefined)
    .map((tag) => `${tag}=${values[tag]}`)
    .join('; ');
}

/** Folds the tag list at `; ` so no line passes 78 characters. */
export function foldTags(text: string, nameLength = AUTH_HEADER.length + 2): string {
  const lines: string[] = [];
  let line = '';
  for (const piece of text.split('; ')) {
    const next = line ? `${line}; ${piece}` : piece;
    if (line && next.length + (lines.length === 0 ? nameLength : 1) > 76) {
      lines.push(`${line};`);
      line = piece;
    } else line = next;
  }
  lines.push(line);
  return lines.join('\r\n ');
}

const int = (text: string | undefined): number | undefined => (text && /^\d{1,15}$/.test(text) ? Number(text) : undefined);

/** Parses a tag list; undefined when any tag is missing, repeated, unknown or malformed. */
export function parseTags(value: string): AuthTags | undefined {
  const raw = new Map<string, string>();
  for (const piece of value.split(';')) {
    if (piece.trim() === '') continue;
    const eq = piece.indexOf('=');
    if (eq < 0) return undefined;
    const tag = piece.slice(0, eq).trim();
    if (!(ORDER as readonly string[]).includes(tag) || raw.has(tag)) return undefined;
    raw.set(tag, piece.slice(eq + 1).replace(/\s+/g, ''));
  }
  const part = /^(\d{1,3})\/(\d{1,3})$/.exec(raw.get('p') ?? '');
  const [s, t, bl] = [int(raw.get('s')), int(raw.get('t')), int(raw.get('bl'))];
  const d = raw.get('d');
  const [k, n, g, bh, b, re] = ['k', 'n', 'g', 'bh', 'b', 're'].map((tag) => raw.get(tag));
  if (raw.get('v') !== '1' || raw.get('a') !== 'hmac-sha256' || (d !== 'pc' && d !== 'hs')) return undefined;
  if (!part || s === undefined || t === undefined || bl === undefined || !k || !/^[0-9a-f]{16}$/.test(k)) return undefined;
  if (![n, g, bh, b].every((x) => x && B64URL.test(x)) || (re !== undefined && !B64URL.test(re))) return undefined;
  const p = { index: Number(part[1]), count: Number(part[2]) };
  if (p.index < 1 || p.index > p.count) return undefined;
  const h = (raw.get('h') ?? '').toLowerCase().split(':').filter(Boolean);
  return { k, d, s, t, n: n!, g: g!, p, h, bl, bh: bh!, b: b!, ...(re !== undefined ? { re } : {}) };
}

/** The bytes the MAC covers: the signed fields in `h` order, then the tag list with `b` emptied. */
export function signedText(fields: ReadonlyArray<{ name: string; value: string }>, tags: AuthTags): string {
  const lines = fields.map((f) => `${relaxedField(f.name, f.value)}\r\n`);
  return lines.join('') + relaxedField(AUTH_HEADER, formatTags({ ...tags, b: '' }));
}

export function macOf(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'latin1').digest('base64url');
}

export function macMatches(key: Buffer, text: string, given: string): boolean {
  const want = Buffer.from(macOf(key, text), 'base64url');
  const got = Buffer.from(given, 'base64url');
  return want.length === got.length && timingSafeEqual(want, got);
}
