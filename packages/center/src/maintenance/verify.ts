/**
 * `center verify`: reads every stored blob and compares its SHA-256 with the
 * hash recorded in `parts`, so silent disk damage is found before a restore
 * needs the data; then checks that every part a committed backup references
 * has a row at all.
 */
import { createHash } from 'node:crypto';
import type { BlobStore } from '../store/blob-store.ts';
import type { Store } from '../store/store.ts';

/** Parts read per page; bounds memory to one page of rows plus one blob. */
const PAGE_SIZE = 500;
/** Referenced parts without a row reported at most; more means the database lost far more than verify should list. */
const UNRECORDED_LIMIT = 10_000;

export interface DamagedPart {
  ownerId: string;
  id: string;
  /** `unrecorded`: a committed backup references the part, which has no row. */
  reason: 'hash-mismatch' | 'missing' | 'unrecorded';
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
      report.bytes += bytes?.byteLength ?? 0;
      const reason = bytes === undefined ? 'missing' : createHash('sha256').update(bytes).digest('hex') !== part.sha256 ? 'hash-mismatch' : undefined;
      // A prune beside us may have deleted the part, or a re-upload repaired it, since the page was read.
      if (reason && (await store.parts.find(part.ownerId, part.id))?.sha256 === part.sha256) {
        report.damaged.push({ ownerId: part.ownerId, id: part.id, reason });
      }
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) break;
    after = { ownerId: last.ownerId, id: last.id };
  }
  for (const { ownerId, id } of await store.parts.listReferencedUnrecorded(UNRECORDED_LIMIT)) {
    report.damaged.push({ ownerId, id, reason: 'unrecorded' });
  }
  return report;
}
