import { createHash } from 'node:crypto';
import { PhoneSafeError } from '../../errors.ts';
import type { DataKind } from '../../kinds.ts';
import type { OwnerKeys, SealedPart } from '../crypto/owner-keys.ts';
import type { PartRef } from '../../schemas/common.ts';
import { Manifest, type ManifestFile } from '../../schemas/manifest.ts';
import { planBatches } from '../../schemas/part-batch.ts';
import type { CenterClient } from './center-client.ts';

/**
 * Parts fetched ahead of the one being written, to keep the connection busy.
 * Callers restore several files at once, so this stays small: each part may
 * be 4 MiB, and the handset's memory budget is 256 MiB.
 */
const PREFETCH = 3;

export function sealManifest(keys: OwnerKeys, manifest: Manifest): SealedPart {
  return keys.sealPart(Buffer.from(JSON.stringify(manifest)), { compress: true });
}

export async function readManifest(client: CenterClient, keys: OwnerKeys, ref: PartRef): Promise<Manifest> {
  const plain = keys.openPart(ref.id, await client.getPart(ref.id));
  const parsed = Manifest.safeParse(JSON.parse(plain.toString('utf8')));
  if (!parsed.success) throw new PhoneSafeError('DECRYPT_FAILED', `manifest ${ref.id} is not a valid manifest`);
  return parsed.data;
}

export function selectFiles(manifest: Manifest, kinds?: readonly DataKind[] | null): ManifestFile[] {
  return filesOfKinds(manifest.files, kinds);
}

/** The files of these kinds (every file for none). */
export function filesOfKinds(files: readonly ManifestFile[], kinds?: readonly DataKind[] | null): ManifestFile[] {
  return kinds && kinds.length > 0 ? files.filter((file) => kinds.includes(file.kind)) : [...files];
}

/** Where a restore gets the sealed bytes of a part. */
export type PartSource = (id: string) => Promise<Buffer>;

/** One request per part: for a single file (B9 fetch). */
export function partsOneByOne(client: CenterClient): PartSource {
  return (id) => client.getPart(id);
}

/**
 * The parts of `files`, restored in that order a few at a time: small parts
 * come in batches (POST /v1/parts/fetch, planned as uploads are), each
 * fetched when a file first needs one of its parts and dropped once every
 * file using its parts has taken them; large parts one per request.
 */
export function partsInBatches(client: CenterClient, files: readonly ManifestFile[]): PartSource {
  const uses = new Map<string, number>();
  const sizes = new Map<string, number>();
  for (const part of files.flatMap((file) => file.parts)) {
    uses.set(part.id, (uses.get(part.id) ?? 0) + 1);
    sizes.set(part.id, part.size);
  }
  const batchOf = new Map<string, string[]>();
  for (const batch of planBatches([...sizes.keys()], (id) => sizes.get(id)!)) {
    if (batch.length > 1) for (const id of batch) batchOf.set(id, batch);
  }
  const fetches = new Map<string[], Promise<Map<string, Buffer>>>();
  return async (id) => {
    const batch = batchOf.get(id);
    if (!batch) return client.getPart(id);
    let fetch = fetches.get(batch);
    if (!fetch) {
      fetch = client.fetchParts(batch);
      fetches.set(batch, fetch);
    }
    const parts = await fetch;
    const bytes = parts.get(id)!;
    const left = (uses.get(id) ?? 1) - 1;
    uses.set(id, left);
    if (left === 0) parts.delete(id);
    if (parts.size === 0) fetches.delete(batch);
    return bytes;
  };
}

/**
 * The plaintext of one file, part by part. Every part is checked three times
 * (center hash, transfer hash, AEAD + keyed id) and the whole file against the
 * manifest's SHA-256 at the end; the last chunk is withheld until that check
 * passes, so a caller writing to a temporary file never commits bad data.
 */
export async function* fileContent(source: PartSource, keys: OwnerKeys, file: ManifestFile): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let size = 0;
  const window: Array<Promise<Buffer>> = [];
  let next = 0;
  const fill = () => {
    while (window.length < PREFETCH && next < file.parts.length) {
      const part = file.parts[next++]!;
      const fetched = source(part.id).then((sealed) => keys.openPart(part.id, sealed));
      fetched.catch(() => undefined); // Observed below; avoid an unhandled rejection meanwhile.
      window.push(fetched);
    }
  };
  fill();
  let held: Buffer | undefined;
  while (window.length > 0) {
    const plain = await window.shift()!;
    fill();
    hash.update(plain);
    size += plain.length;
    if (held) yield held;
    held = plain;
  }
  if (size !== file.size || hash.digest('hex') !== file.sha256) {
    throw new PhoneSafeError('PART_DAMAGED', `${file.path}: restored content does not match the backup's checksum`);
  }
  if (held) yield held;
}
