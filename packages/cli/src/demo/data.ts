/** The demo's handset data: a small generated tree, and a digest to compare trees by hash. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

function vcard(name: string, phone: string): string {
  return ['BEGIN:VCARD', 'VERSION:3.0', `FN:${name}`, `TEL;TYPE=CELL:${phone}`, 'END:VCARD', ''].join('\r\n');
}

function vcalendar(summary: string, day: string): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//PhoneSafe//demo//EN',
    'BEGIN:VEVENT',
    `UID:${day}@demo.phonesafe`,
    `DTSTAMP:${day}T090000Z`,
    `DTSTART:${day}T090000Z`,
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** Contacts, a calendar and a photo (random bytes), with `who` in the names so A's and C's trees differ. */
export async function writeDemoTree(root: string, who: string): Promise<void> {
  const files: Record<string, string | Uint8Array> = {
    [`contacts/${who}-family.vcf`]: vcard(`${who} Family`, '+81 90 1234 5678'),
    'contacts/office.vcf': vcard(`Office of ${who}`, '+81 3 1234 5678'),
    'calendar/meetings.ics': vcalendar(`Review with ${who}`, '20260105'),
    [`photos/${who}-holiday.jpg`]: randomBytes(160 * 1024),
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Every regular file under `root`: relative '/'-path → SHA-256, sorted by path. */
export async function treeDigest(root: string): Promise<Record<string, string>> {
  const digest: [string, string][] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    digest.push([
      relative(root, full).split(sep).join('/'),
      createHash('sha256')
        .update(await readFile(full))
        .digest('hex'),
    ]);
  }
  return Object.fromEntries(digest.sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function sameDigest(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
