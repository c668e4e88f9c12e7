/**
 * Writes a deterministic handset image for the backup benchmark: ~60 %
 * incompressible media, the rest contacts, calendars, mail, apps and
 * bookmarks. The same seed and size always give the same bytes and mtimes
 * (`--verify` generates twice and compares the tree digests).
 *
 *   node bench/backup/generate-image.ts --out DIR [--size-mib 1024] [--seed S] [--verify]
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashTree } from './measure.ts';
import { ByteStream, Rng } from './random.ts';

export const KINDS: readonly Kind[] = [
  'photos',
  'videos',
  'music',
  'apps',
  'mail',
  'contacts',
  'calendar',
  'bookmarks',
  'thumbnails',
  'appdata',
];
export const DEFAULT_SEED = 'phonesafe-bench-v1';
const MiB = 1024 * 1024;
/** Every generated file gets this mtime (2024-06-01T12:00:00Z), so the image is byte- and metadata-stable. */
export const IMAGE_MTIME = new Date('2024-06-01T12:00:00Z');

export type Kind = 'photos' | 'videos' | 'music' | 'apps' | 'mail' | 'contacts' | 'calendar' | 'bookmarks' | 'thumbnails' | 'appdata';
export interface KindTotal {
  files: number;
  bytes: number;
}
export interface ImageSummary {
  dir: string;
  seed: string;
  files: number;
  bytes: number;
  byKind: Record<Kind, KindTotal>;
}

// ---------------------------------------------------------------- text

const WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not ' +
  'what all were we when your can said there use an each which she do how their if will up other about out many then ' +
  'them these so some her would make like him into time has look two more write go see number no way could people my ' +
  'than first water been call who oil its now find long down day did get come made may part meeting project invoice ' +
  'schedule review budget holiday weekend dinner flight hotel report draft contract attached please thanks regards ' +
  'tomorrow morning afternoon quarter update phone backup photos family school train ticket delivery order account ' +
  'payment reminder agenda notes minutes question answer office team client launch release version feedback design'
).split(' ');
const FIRST =
  'Anna Ben Chloe David Emma Felix Grace Henry Isla Jack Kate Liam Mia Noah Olivia Peter Quinn Ruth Sam Tara Uma Victor Wendy Xavier Yusuf Zoe'.split(
    ' ',
  );
const LAST =
  'Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Walker Robinson Thompson White Hughes Edwards Green Hall Wood Harris Martin Clarke Lewis Young King Baker'.split(
    ' ',
  );
const CITIES = 'London Leeds Bristol Cardiff Glasgow Oxford York Bath Exeter Derby Norwich Brighton'.split(' ');
const DOMAINS = 'example.com example.org example.net mail.example work.example'.split(' ');
const SITES = 'news weather maps shop bank travel recipes music video forum wiki docs'.split(' ');

function sentence(rng: Rng): string {
  const n = rng.int(5, 16);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(WORDS));
  const s = words.join(' ');
  return s[0]!.toUpperCase() + s.slice(1) + (rng.chance(0.1) ? '?' : '.');
}

function paragraph(rng: Rng): string {
  const n = rng.int(2, 7);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(sentence(rng));
  return out.join(' ');
}

/** Text of about `bytes` bytes, wrapped at 72 columns, CRLF line ends. */
function bodyText(rng: Rng, bytes: number): string {
  const paras: string[] = [];
  let size = 0;
  while (size < bytes) {
    const p = wrap(paragraph(rng), 72);
    paras.push(p);
    size += p.length + 4;
  }
  return paras.join('\r\n\r\n');
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > width && line) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\r\n');
}

function person(rng: Rng): { first: string; last: string; email: string } {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  return { first, last, email: `${first}.${last}${rng.int(1, 99)}@${rng.pick(DOMAINS)}`.toLowerCase() };
}

function dateIn2024(rng: Rng): Date {
  return new Date(Date.UTC(2024, 0, 1) + rng.int(0, 365 * 24 * 3600 - 1) * 1000);
}

const icsDate = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const hex = (rng: Rng, n: number): string => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');

// ---------------------------------------------------------------- documents

export function vcard(rng: Rng, index: number): string {
  const p = person(rng);
  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `N:${p.last};${p.first};;;`,
    `FN:${p.first} ${p.last}`,
    `TEL;TYPE=CELL:+44 7${rng.int(100, 999)} ${rng.int(100000, 999999)}`,
    `EMAIL;TYPE=INTERNET:${p.email}`,
  ];
  if (rng.chance(0.5)) lines.push(`TEL;TYPE=HOME:+44 1${rng.int(100, 999)} ${rng.int(100000, 999999)}`);
  if (rng.chance(0.4)) lines.push(`ORG:${rng.pick(LAST)} ${rng.pick(['Ltd', 'plc', 'and Sons', 'Partners'])}`);
  if (rng.chance(0.6)) {
    lines.push(
      `ADR;TYPE=HOME:;;${rng.int(1, 250)} ${rng.pick(LAST)} Road;${rng.pick(CITIES)};;${rng.pick(['AB', 'CD', 'EF', 'LS'])}${rng.int(1, 30)} ${rng.int(1, 9)}XY;United Kingdom`,
    );
  }
  if (rng.chance(0.3))
    lines.push(`BDAY:${1950 + rng.int(0, 55)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`);
  if (rng.chance(0.3)) lines.push(`NOTE:${sentence(rng)}`);
  lines.push(`UID:${hex(rng, 8)}-${index}`, `REV:${icsDate(dateIn2024(rng))}`, 'END:VCARD');
  return lines.join('\r\n') + '\r\n';
}

export function calendar(rng: Rng, events: number): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//PhoneSafe bench//EN', 'CALSCALE:GREGORIAN'];
  for (let i = 0; i < events; i++) {
    const start = dateIn2024(rng);
    const end = new Date(start.getTime() + rng.int(1, 8) * 30 * 60 * 1000);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${hex(rng, 16)}@phonesafe.example`,
      `DTSTAMP:${icsDate(start)}`,
      `DTSTART:${icsDate(start)}`,
      `DTEND:${icsDate(end)}`,
      `SUMMARY:${sentence(rng).slice(0, 60)}`,
      `LOCATION:${rng.pick(CITIES)}`,
    );
    if (rng.chance(0.5)) lines.push(`DESCRIPTION:${paragraph(rng).slice(0, 300)}`);
    if (rng.chance(0.3)) lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:Reminder', 'END:VALARM');
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}

/** An RFC 5322 message; with `attachment` bytes it is multipart/mixed with a base64 part. */
export function mail(rng: Rng, textBytes: number, attachment: Buffer | null): string {
  const from = person(rng);
  const to = person(rng);
  const subject = sentence(rng).slice(0, 70).replace(/[.?]$/, '');
  const headers = [
    `From: ${from.first} ${from.last} <${from.email}>`,
    `To: ${to.first} ${to.last} <${to.email}>`,
    `Subject: ${subject}`,
    `Date: ${dateIn2024(rng).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${hex(rng, 24)}@${rng.pick(DOMAINS)}>`,
    'MIME-Version: 1.0',
  ];
  const text = `Hi ${to.first},\r\n\r\n${bodyText(rng, textBytes)}\r\n\r\nRegards,\r\n${from.first}\r\n`;
  if (!attachment) return [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text].join('\r\n');
  const boundary = `----=_Part_${hex(rng, 16)}`;
  const name = `${rng.pick(['report', 'scan', 'invoice', 'photo', 'slides'])}-${rng.int(1, 999)}.${rng.pick(['pdf', 'jpg', 'zip', 'docx'])}`;
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    `Content-Type: application/octet-stream; name="${name}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${name}"`,
    '',
    b64,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

function bookmarks(rng: Rng, count: number): string {
  const out = [
    '<!DOCTYPE NETSCAPE-Bookmark-file-1>',
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
    '<TITLE>Bookmarks</TITLE>',
    '<H1>Bookmarks</H1>',
    '<DL><p>',
  ];
  for (let i = 0; i < count; i++) {
    const site = rng.pick(SITES);
    const added = Math.floor(dateIn2024(rng).getTime() / 1000);
    out.push(
      `    <DT><A HREF="https://${site}.${rng.pick(DOMAINS)}/${rng.pick(WORDS)}/${hex(rng, 6)}" ADD_DATE="${added}">${sentence(rng).slice(0, 50)}</A>`,
    );
  }
  out.push('</DL><p>', '');
  return out.join('\n');
}

// ---------------------------------------------------------------- binary files

/** Writes `size` bytes: `header`, then chunks from `fill` until the size is reached. */
export function writeBinary(path: string, size: number, header: Buffer, fill: (n: number) => Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    const head = header.subarray(0, size);
    writeSync(fd, head);
    let left = size - head.length;
    while (left > 0) {
      const chunk = fill(Math.min(left, 4 * MiB));
      writeSync(fd, chunk);
      left -= chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  utimesSync(path, IMAGE_MTIME, IMAGE_MTIME);
}

export const JPEG_HEAD = Buffer.from('ffd8ffe000104a46494600010101004800480000', 'hex');
export const MP4_HEAD = Buffer.from('000000206674797069736f6d0000020069736f6d69736f32617663316d703431', 'hex');
const MP3_HEAD = Buffer.from('4944330400000000000f', 'hex');
const APK_HEAD = Buffer.from('504b0304140000000800', 'hex');

/** A photo at `rel` (relative to `dir`); its bytes are keyed by seed and relative path. */
export function writePhoto(dir: string, rel: string, size: number, seed: string): void {
  const bytes = new ByteStream(seed, rel);
  writeBinary(join(dir, rel), size, JPEG_HEAD, (n) => bytes.take(n));
}

/** Apps: 64 KiB blocks, about half incompressible (resources), half repetitive "code" tables. */
export function writeApk(dir: string, rel: string, size: number, seed: string, rng: Rng): void {
  const bytes = new ByteStream(seed, rel);
  const tokens = Array.from({ length: 64 }, () => bytes.take(rng.int(4, 24)));
  writeBinary(join(dir, rel), size, APK_HEAD, (n) => {
    if (rng.chance(0.5)) return bytes.take(n);
    const parts: Buffer[] = [];
    let len = 0;
    while (len < n) {
      const t = rng.chance(0.15) ? bytes.take(8) : rng.pick(tokens);
      parts.push(t);
      len += t.length;
    }
    return Buffer.concat(parts).subarray(0, n);
  });
}

export function writeText(path: string, text: string): number {
  mkdirSync(dirname(path), { recursive: true });
  const buf = Buffer.from(text, 'utf8');
  writeFileSync(path, buf);
  utimesSync(path, IMAGE_MTIME, IMAGE_MTIME);
  return buf.length;
}

// ---------------------------------------------------------------- image

export const pad = (n: number, w = 5): string => String(n).padStart(w, '0');

export const emptyKinds = (): Record<Kind, KindTotal> =>
  Object.fromEntries(KINDS.map((k) => [k, { files: 0, bytes: 0 }])) as Record<Kind, KindTotal>;

export function generateImage(dir: string, sizeMiB = 1024, seed = DEFAULT_SEED): ImageSummary {
  const total = Math.round(sizeMiB * MiB);
  const scale = sizeMiB / 1024;
  const rng = new Rng(`${seed}\0layout`);
  const byKind = emptyKinds();
  const add = (kind: Kind, bytes: number): void => {
    byKind[kind].files++;
    byKind[kind].bytes += bytes;
  };
  mkdirSync(dir, { recursive: true });

  // Media (60 %) and apps (15 %): sizes drawn from a range until the kind's budget is spent.
  const sized = (kind: Kind, share: number, minMiB: number, maxMiB: number, write: (i: number, size: number) => void): void => {
    let left = Math.round(total * share);
    for (let i = 1; left > 0; i++) {
      let size = Math.min(left, Math.round(rng.int(minMiB * 1024, maxMiB * 1024) * 1024));
      if (left - size < (minMiB * MiB) / 2) size = left; // no tiny last file
      write(i, size);
      add(kind, size);
      left -= size;
    }
  };
  const incompressible = (rel: string, size: number, header: Buffer): void => {
    const bytes = new ByteStream(seed, rel);
    writeBinary(join(dir, rel), size, header, (n) => bytes.take(n));
  };
  sized('videos', 0.25, 20, 80, (i, size) => incompressible(`media/videos/VID_2024${pad(i, 4)}.mp4`, size, MP4_HEAD));
  sized('photos', 0.25, 1, 6, (i, size) => writePhoto(dir, `media/photos/IMG_2024${pad(i, 4)}.jpg`, size, seed));
  sized('music', 0.1, 3, 8, (i, size) => incompressible(`media/music/track-${pad(i, 3)}.mp3`, size, MP3_HEAD));
  sized('apps', 0.15, 2, 24, (i, size) => writeApk(dir, `apps/com.example.app${pad(i, 3)}.apk`, size, seed, rng));

  // Personal data: a few thousand contacts, some hundred calendars, bookmarks.
  const contacts = Math.max(100, Math.round(3000 * scale));
  for (let i = 1; i <= contacts; i++) add('contacts', writeText(join(dir, 'contacts', `contact-${pad(i)}.vcf`), vcard(rng, i)));
  const calendars = Math.max(20, Math.round(400 * scale));
  for (let i = 1; i <= calendars; i++)
    add('calendar', writeText(join(dir, 'calendar', `cal-${pad(i, 4)}.ics`), calendar(rng, rng.int(1, 12))));
  add('bookmarks', writeText(join(dir, 'bookmarks.html'), bookmarks(rng, Math.max(50, Math.round(600 * scale)))));

  // Mail fills the rest: plain text, a quarter with a base64 attachment.
  const used = (): number => Object.values(byKind).reduce((s, k) => s + k.bytes, 0);
  const attachments = new ByteStream(seed, 'attachments');
  for (let i = 1; used() < total; i++) {
    const left = total - used();
    const attach = rng.chance(0.25) ? attachments.take(Math.min(Math.floor(left * 0.7), rng.int(20 * 1024, 1024 * 1024))) : null;
    add('mail', writeText(join(dir, 'mail', `msg-${pad(i, 6)}.eml`), mail(rng, rng.int(300, 12000), attach)));
  }

  const files = Object.values(byKind).reduce((s, k) => s + k.files, 0);
  return { dir, seed, files, bytes: used(), byKind };
}

export function formatSummary(s: ImageSummary): string {
  const rows = Object.entries(s.byKind)
    .filter(([, t]) => t.files > 0)
    .map(
      ([kind, t]) =>
        `  ${kind.padEnd(10)} ${String(t.files).padStart(6)} files ${(t.bytes / MiB).toFixed(1).padStart(9)} MiB ${((100 * t.bytes) / s.bytes).toFixed(1).padStart(5)} %`,
    );
  return [
    `image ${s.dir} (seed ${JSON.stringify(s.seed)})`,
    ...rows,
    `  ${'total'.padEnd(10)} ${String(s.files).padStart(6)} files ${(s.bytes / MiB).toFixed(1).padStart(9)} MiB`,
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'size-mib': { type: 'string', default: '1024' },
      seed: { type: 'string', default: DEFAULT_SEED },
      verify: { type: 'boolean', default: false },
    },
  });
  if (!values.out) throw new Error('usage: generate-image.ts --out DIR [--size-mib N] [--seed S] [--verify]');
  const sizeMiB = Number(values['size-mib']);
  const t0 = performance.now();
  const summary = generateImage(values.out, sizeMiB, values.seed);
  console.log(formatSummary(summary));
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const digest = await hashTree(values.out);
  console.log(`tree digest ${digest}`);
  if (values.verify) {
    const again = mkdtempSync(join(tmpdir(), 'phonesafe-image-'));
    try {
      generateImage(again, sizeMiB, values.seed);
      const second = await hashTree(again);
      console.log(`regenerated: ${second === digest ? 'identical' : `DIFFERENT (${second})`}`);
      if (second !== digest) process.exitCode = 1;
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  }
}
