/**
 * Changes about 1 % of a generated image, deterministically: a few bytes
 * edited in the middle of some photos and videos (in place, same size),
 * some contacts rewritten, new mails and new photos added. Changed files get
 * a later mtime so mtime-based scanners (restic) see them.
 *
 *   node bench/backup/mutate-image.ts --image DIR [--seed S] [--round 1] [--percent 1]
 */
import { closeSync, openSync, readdirSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, IMAGE_MTIME, mail, vcard, writePhoto } from './generate-image.ts';
import { dirBytes } from './measure.ts';
import { ByteStream, Rng } from './random.ts';

const MiB = 1024 * 1024;

export interface MutationSummary {
  imageBytes: number;
  /** Files edited in place, and the bytes overwritten in them. */
  editedFiles: number;
  editedBytes: number;
  /** Contacts rewritten, and their new size. */
  rewrittenFiles: number;
  rewrittenBytes: number;
  /** New mails and photos, and their size. */
  addedFiles: number;
  addedBytes: number;
  /** edited + rewritten + added. */
  changedBytes: number;
  percent: number;
}

const sortedFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isFile())
    .sort();

/** Picks `n` distinct items, in a seed-determined order. */
function sample<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
  return out;
}

export async function mutateImage(dir: string, seed = DEFAULT_SEED, round = 1, percent = 1): Promise<MutationSummary> {
  const rng = new Rng(`${seed}\0mutate\0${round}`);
  const mtime = new Date(IMAGE_MTIME.getTime() + round * 24 * 3600 * 1000);
  const imageBytes = await dirBytes(dir);
  const budget = Math.round((imageBytes * percent) / 100);
  const s = { editedFiles: 0, editedBytes: 0, rewrittenFiles: 0, rewrittenBytes: 0, addedFiles: 0, addedBytes: 0 };

  // 1. Edit a few bytes in the middle of ~5 % of the photos and one or two videos (e.g. a metadata change).
  const photos = sortedFiles(join(dir, 'media/photos')).map((n) => `media/photos/${n}`);
  const videos = sortedFiles(join(dir, 'media/videos')).map((n) => `media/videos/${n}`);
  const edits = [...sample(rng, photos, Math.max(1, Math.round(photos.length * 0.05))), ...sample(rng, videos, Math.min(2, videos.length))];
  const noise = new ByteStream(seed, `edits${round}`);
  for (const rel of edits) {
    const path = join(dir, rel);
    const size = statSync(path).size;
    const length = rng.int(16, 512);
    const at = rng.int(Math.floor(size / 4), Math.floor((3 * size) / 4) - length);
    const fd = openSync(path, 'r+');
    writeSync(fd, noise.take(length), 0, length, at);
    closeSync(fd);
    utimesSync(path, mtime, mtime);
    s.editedFiles++;
    s.editedBytes += length;
  }

  // 2. Rewrite ~2 % of the contacts (new numbers, addresses, notes).
  const contacts = sortedFiles(join(dir, 'contacts'));
  for (const name of sample(rng, contacts, Math.max(2, Math.round(contacts.length * 0.02)))) {
    const path = join(dir, 'contacts', name);
    const text = Buffer.from(vcard(rng, Number(/\d+/.exec(name)?.[0] ?? 0)));
    writeFileSync(path, text);
    utimesSync(path, mtime, mtime);
    s.rewrittenFiles++;
    s.rewrittenBytes += text.length;
  }

  const write = (rel: string, data: Buffer): void => {
    writeFileSync(join(dir, rel), data);
    utimesSync(join(dir, rel), mtime, mtime);
    s.addedFiles++;
    s.addedBytes += data.length;
  };
  const used = (): number => s.editedBytes + s.rewrittenBytes + s.addedBytes;

  // 3. New mails (about a third of what is left of the budget), some with attachments.
  const attachments = new ByteStream(seed, `new-mail${round}`);
  const mailBudget = used() + (budget - used()) / 3;
  for (let i = 1; used() < mailBudget; i++) {
    const attach = rng.chance(0.3)
      ? attachments.take(Math.max(1024, Math.min(rng.int(20 * 1024, 512 * 1024), Math.floor((mailBudget - used()) * 0.7))))
      : null;
    write(`mail/msg-r${round}-${String(i).padStart(4, '0')}.eml`, Buffer.from(mail(rng, rng.int(300, 8000), attach)));
  }

  // 4. New photos fill the rest.
  for (let i = 1; used() < budget; i++) {
    const size = Math.min(rng.int(1024, 6 * 1024) * 1024, budget - used());
    const rel = `media/photos/IMG_r${round}_${String(i).padStart(4, '0')}.jpg`;
    writePhoto(dir, rel, size, `${seed}\0round${round}`);
    utimesSync(join(dir, rel), mtime, mtime);
    s.addedFiles++;
    s.addedBytes += size;
  }

  const changedBytes = used();
  return { imageBytes, ...s, changedBytes, percent: (100 * changedBytes) / imageBytes };
}

export function formatMutation(m: MutationSummary): string {
  const kib = (n: number): string => (n < MiB ? `${(n / 1024).toFixed(1)} KiB` : `${(n / MiB).toFixed(2)} MiB`);
  return [
    `mutation: ${(m.changedBytes / MiB).toFixed(2)} MiB = ${m.percent.toFixed(2)} % of ${(m.imageBytes / MiB).toFixed(1)} MiB`,
    `  edited in place  ${String(m.editedFiles).padStart(5)} files  ${kib(m.editedBytes)} overwritten`,
    `  rewritten        ${String(m.rewrittenFiles).padStart(5)} files  ${kib(m.rewrittenBytes)}`,
    `  added            ${String(m.addedFiles).padStart(5)} files  ${kib(m.addedBytes)}`,
  ].join('\n');
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      image: { type: 'string' },
      seed: { type: 'string', default: DEFAULT_SEED },
      round: { type: 'string', default: '1' },
      percent: { type: 'string', default: '1' },
    },
  });
  if (!values.image) throw new Error('usage: mutate-image.ts --image DIR [--seed S] [--round N] [--percent P]');
  console.log(formatMutation(await mutateImage(values.image, values.seed, Number(values.round), Number(values.percent))));
}
