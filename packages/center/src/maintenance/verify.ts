/**
 * `center verify`: reads every stored blob and compares its SHA-256 with the
 * hash recorded in `parts`, so silent disk damage is found before a restore
 * needs the data.
 */
import { createHash } from 'node:crypto';
import type { BlobStore } from '../store/blob-store.ts';
import type { Store } from '../store/store.ts';

/** Parts read per page; bounds memory to one page of rows plus one blob. */
const PAGE_SIZE = 500;

export interface DamagedPart {
  ownerId: string;
  id: string;
  reason: 'hash-mismatch' | 'missing';
}

export interface VerifyReport {
  checked: number;
  damaged: DamagedPart[];
  /** Bytes read from the blob store. */
  bytes: number;
}

export async function verifyStore(store: Store, blobs: BlobStore): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, damaged: [], bytes: 0 };
  let after: { ownerId: string; id: string } | null = null;
  for (;;) {
    const page = await store.parts.listAll(after, PAGE_SIZE);
    for (const part of page) {
      report.checked += 1;
      const bytes = await blobs.get(part);
      if (bytes === undefined) {
        report.damaged.push({ ownerId: part.ownerId, id: part.id, reason: 'missing' });
        continue;
      }
      report.bytes += bytes.byteLength;
      if (createHash('sha256').update(bytes).digest('hex') !== part.sha256) {
        report.damaged.push({ ownerId: part.ownerId, id: part.id, reason: 'hash-mismatch' });
      }
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) return report;
    after = { ownerId: last.ownerId, id: last.id };
  }
}
