/** Source trees for the handset to import, and byte-for-byte comparison of trees. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const MiB = 1024 * 1024;

function vcard(name: string, phone: string): string {
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${name}`,
    `N:${name.split(' ').reverse().join(';')};;;`,
    `TEL;TYPE=CELL:${phone}`,
    'END:VCARD',
    '',
  ].join('\r\n');
}

function vcalendar(summary: string): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//PhoneSafe//test//EN',
    'BEGIN:VEVENT',
    'UID:1@test',
    'DTSTAMP:20260101T090000Z',
    'DTSTART:20260105T090000Z',
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

function mail(subject: string): string {
  return `From: alice@example.org\r\nTo: bob@example.org\r\nSubject: ${subject}\r\nDate: Thu, 1 Jan 2026 09:00:00 +0000\r\n\r\nHello, ${subject}.\r\n`;
}

/** Relative path → content. Written by writeTree; the same map is what an export must give back. */
export type TreeSpec = Record<string, Uint8Array | string>;

/**
 * A handset's worth of data: contacts, calendar, mail, bookmarks, a few MB
 * of random "photos" (one of 12 MiB), other files and a unicode name.
 * `marker` is planted in a contact and in a file name when given.
 */
export function handsetTree(options: { marker?: string } = {}): TreeSpec {
  const tree: TreeSpec = {
    'contacts/alice.vcf': vcard('Alice Martin', '+33 6 12 34 56 78'),
    'contacts/bob.vcf': vcard('Bob Stone', '+1 555 0100'),
    'contacts/family/carol.vcf': vcard('Carol Stone', '+1 555 0101'),
    'calendar/work.ics': vcalendar('Weekly review'),
    'mail/inbox/0001.eml': mail('lunch'),
    'mail/inbox/0002.eml': mail('report'),
    'mail/sent/0001.eml': mail('re: lunch'),
    'bookmarks.html': '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p><DT><A HREF="https://example.org/">Example</A>\n</DL>\n',
    'photos/2025/big.jpg': randomBytes(12 * MiB),
    'photos/été/写真 ünïcødé.jpg': randomBytes(300 * 1024),
    'music/tune.mp3': randomBytes(700 * 1024),
    'settings/prefs.json': JSON.stringify({ ringtone: 'classic', volume: 7 }),
    'notes/todo.txt': 'buy milk\n',
    'empty.dat': '',
  };
  for (let i = 1; i <= 6; i++) tree[`photos/2025/img_${String(i).padStart(4, '0')}.jpg`] = randomBytes(256 * 1024 + i * 1000);
  if (options.marker) {
    tree['contacts/secret.vcf'] = vcard(`Dana ${options.marker}`, '+1 555 0199');
    tree[`notes/${options.marker}.txt`] = 'the file name is the secret\n';
  }
  return tree;
}

/** `count` random files of `size` bytes under `folder` (for trees large enough to interrupt). */
export function randomFiles(folder: string, count: number, size: number): TreeSpec {
  const tree: TreeSpec = {};
  for (let i = 0; i < count; i++) tree[`${folder}/${String(i).padStart(3, '0')}.jpg`] = randomBytes(size);
  return tree;
}

/** Writes `tree` (relative '/'-path → content) under `root`, making folders as needed. */
export async function writeTree(root: string, tree: TreeSpec): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    const target = join(root, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Every regular file under `root` as relative '/'-path → bytes. */
export async function readTree(root: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    const abs = join(root, entry.name);
    if (entry.isDirectory()) for (const [k, v] of await readTree(abs, rel)) out.set(k, v);
    else if (entry.isFile()) out.set(rel, await readFile(abs));
  }
  return out;
}

/** The names in `dir`, sorted. */
export async function fileNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** The permission bits of `path` (e.g. 0o600). */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** Overwrites `length` random bytes at the middle of a file, in place (size unchanged). */
export async function editMiddle(file: string, length: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    await handle.write(randomBytes(length), 0, length, Math.floor(size / 2));
  } finally {
    await handle.close();
  }
}

/** Every regular file under `root`: relative '/'-path → SHA-256 of its bytes. */
export async function treeDigest(root: string): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    digest[
      full
        .slice(root.length + 1)
        .split('\\')
        .join('/')
    ] = createHash('sha256')
      .update(await readFile(full))
      .digest('hex');
  }
  return Object.fromEntries(Object.entries(digest).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every file under `root` (recursive), as paths. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
