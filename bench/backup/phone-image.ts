/**
 * The phone profile of the backup benchmark: what a real phone holds, i.e.
 * mostly small items (≥ 40 files per MiB) plus some large media. Thousands
 * of single-card contacts and single-event calendars, tens of thousands of
 * mails as `.eml`, thumbnails, app data files, a few apps, photos and a
 * video. Deterministic from the seed, like generate-image.ts.
 *
 *   node bench/backup/phone-image.ts --out DIR [--size-mib 512] [--seed S]
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  calendar,
  DEFAULT_SEED,
  emptyKinds,
  formatSummary,
  JPEG_HEAD,
  mail,
  MP4_HEAD,
  pad,
  vcard,
  writeApk,
  writeBinary,
  writePhoto,
  writeText,
  type ImageSummary,
  type Kind,
} from './generate-image.ts';
import { ByteStream, Rng } from './random.ts';

const MiB = 1024 * 1024;
export const PHONE_DEFAULT_MIB = 512;

const APP_FILES = ['shared_prefs/settings.xml', 'databases/cache.db', 'files/state.json', 'cache/img', 'files/blob'];

/** An app's data file: XML/JSON text (compressible) or binary (half and half). */
function appData(rng: Rng, bytes: ByteStream, size: number, name: string): Buffer {
  if (name.endsWith('.xml') || name.endsWith('.json')) {
    const lines: string[] = [];
    let len = 0;
    while (len < size) {
      const line = `  <string name="key_${rng.int(1, 9999)}">${rng.int(0, 1e9).toString(36)}-${rng.chance(0.5) ? 'true' : rng.int(0, 99)}</string>\n`;
      lines.push(line);
      len += line.length;
    }
    return Buffer.from(lines.join('')).subarray(0, size);
  }
  return bytes.take(size);
}

export function generatePhoneImage(dir: string, sizeMiB = PHONE_DEFAULT_MIB, seed = DEFAULT_SEED): ImageSummary {
  const total = Math.round(sizeMiB * MiB);
  const scale = sizeMiB / PHONE_DEFAULT_MIB;
  const rng = new Rng(`${seed}\0phone`);
  const byKind = emptyKinds();
  const add = (kind: Kind, bytes: number): void => {
    byKind[kind].files++;
    byKind[kind].bytes += bytes;
  };
  const used = (): number => Object.values(byKind).reduce((s, k) => s + k.bytes, 0);
  mkdirSync(dir, { recursive: true });

  // Large media and apps: a budget each, files drawn from a size range.
  const sized = (kind: Kind, share: number, minKiB: number, maxKiB: number, write: (i: number, size: number) => void): void => {
    let left = Math.round(total * share);
    for (let i = 1; left > 0; i++) {
      let size = Math.min(left, rng.int(minKiB, maxKiB) * 1024);
      if (left - size < (minKiB * 1024) / 2) size = left;
      write(i, size);
      add(kind, size);
      left -= size;
    }
  };
  const videoBytes = new ByteStream(seed, 'phone-videos');
  sized('videos', 0.15, 8 * 1024, 80 * 1024, (i, size) =>
    writeBinary(join(dir, `media/videos/VID_2024${pad(i, 4)}.mp4`), size, MP4_HEAD, (n) => videoBytes.take(n)),
  );
  sized('photos', 0.22, 1024, 6 * 1024, (i, size) => writePhoto(dir, `media/photos/IMG_2024${pad(i, 4)}.jpg`, size, seed));
  sized('apps', 0.08, 2 * 1024, 24 * 1024, (i, size) => writeApk(dir, `apps/com.example.app${pad(i, 3)}.apk`, size, seed, rng));
  const thumbs = new ByteStream(seed, 'phone-thumbnails');
  sized('thumbnails', 0.04, 8, 48, (i, size) =>
    writeBinary(join(dir, `media/thumbnails/THUMB_${pad(i, 5)}.jpg`), size, JPEG_HEAD, (n) => thumbs.take(n)),
  );
  const appBytes = new ByteStream(seed, 'phone-appdata');
  sized('appdata', 0.06, 1, 32, (i, size) => {
    const name = `${APP_FILES[i % APP_FILES.length]!}-${pad(i, 5)}${i % 5 < 3 ? (i % 2 ? '.xml' : '.json') : '.bin'}`;
    const rel = `apps/data/com.example.app${pad(i % 40, 3)}/${name}`;
    writeBinary(join(dir, rel), size, Buffer.alloc(0), (n) => appData(rng, appBytes, n, name));
  });

  // Personal data: one contact per vCard file, one event per calendar file.
  const contacts = Math.max(50, Math.round(2500 * scale));
  for (let i = 1; i <= contacts; i++) add('contacts', writeText(join(dir, 'contacts', `contact-${pad(i)}.vcf`), vcard(rng, i)));
  const events = Math.max(20, Math.round(1000 * scale));
  for (let i = 1; i <= events; i++) add('calendar', writeText(join(dir, 'calendar', `event-${pad(i)}.ics`), calendar(rng, 1)));

  // Mail fills the rest: mostly short text, one in twenty with a small attachment.
  const attachments = new ByteStream(seed, 'phone-attachments');
  for (let i = 1; used() < total; i++) {
    const left = total - used();
    const attach = rng.chance(0.05)
      ? attachments.take(Math.max(1, Math.min(Math.floor(left * 0.7), rng.int(10 * 1024, 100 * 1024))))
      : null;
    add('mail', writeText(join(dir, 'mail', `msg-${pad(i, 6)}.eml`), mail(rng, rng.int(300, 12000), attach)));
  }

  const files = Object.values(byKind).reduce((s, k) => s + k.files, 0);
  return { dir, seed, files, bytes: used(), byKind };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, 'size-mib': { type: 'string', default: String(PHONE_DEFAULT_MIB) }, seed: { type: 'string' } },
  });
  if (!values.out) throw new Error('usage: phone-image.ts --out DIR [--size-mib N] [--seed S]');
  const t0 = performance.now();
  console.log(formatSummary(generatePhoneImage(values.out, Number(values['size-mib']), values.seed ?? DEFAULT_SEED)));
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
