/**
 * The address book of one virtual handset: `count` vCard 3.0 files under
 * `<dir>/contacts/`, from a seed that includes the handset's index, so every
 * handset holds different contacts (no dedup between handsets of an owner)
 * and the same index always gives the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vcard } from '../backup/generate-image.ts';
import { Rng } from '../backup/random.ts';

export const CONTACTS_SEED = 'phonesafe-scale-v1';

/** Writes the contacts of handset `index`; returns their total size in bytes. */
export function writeContacts(dir: string, index: number, count: number, seed = CONTACTS_SEED): number {
  const rng = new Rng(`${seed}/handset-${index}`);
  const folder = join(dir, 'contacts');
  mkdirSync(folder, { recursive: true });
  let bytes = 0;
  for (let i = 1; i <= count; i++) {
    const text = vcard(rng, index * 100_000 + i);
    writeFileSync(join(folder, `contact-${String(i).padStart(4, '0')}.vcf`), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}
