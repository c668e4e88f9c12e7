/**
 * `center verify`: reads every stored blob and compares its SHA-256 with the
 * hash recorded in `parts`, so silent disk damage is found before a restore
 * needs the data, and marks what it finds damaged: the center then answers
 * those parts as missing, so the next backup of a handset still holding them
 * sends them again (storage-format.md, "Healing"). Packs are read once
 * each, front to back, checking every part they hold (verify-packs.ts), and
 * each damaged part is reported with the committed backups that need it.
 * Then it checks that every
 * part a committed backup references has a row at all. It begins with the
 * database's own integrity check (Store.checkIntegrity).
 */
import { createHash } from 'node:crypto';
import type { BlobStore } from '../blobs/blob-store.ts';
import { verifyPacks } from './verify-packs.ts';
import type { DatabaseCheck } from '@phonesafe/server-kit';
import type { PartRepo, StoredPart } from '../backup/part-repo.ts';

/** What verify reads and marks of the store. */
export interface VerifyStore {
  parts: Pick<
    PartRepo,
    | 'listAll'
    | 'countAll'
    | 'clearDamaged'
    | 'markDamaged'
    | 'find'
    | 'listReferencedUnrecorded'
    | 'listPacks'
    | 'listPackParts'
    | 'backupsReferencing'
  >;
  checkIntegrity(): Promise<DatabaseCheck>;
}

/** Parts read per page; bounds memory to one page of rows plus one blob. */
const PAGE_SIZE = 500;
/** Referenced parts without a row reported at most; more means the database lost far more than verify should list. */
const UNRECORDED_LIMIT = 10_000;

export interface DamagedPart {
  ownerId: string;
  id: string;
  /** `unrecorded`: a committed backup references the part, which has no row. */
  reason: 'hash-mismatch' | 'missing' | 'unrecorded';
  /** The committed backups that reference it (at most 100): a restore of any of these needs it. */
  backups: string[];
}

export interface VerifyReport {
  checked: number;
  damaged: DamagedPart[];
  /** Bytes read from the blob store. */
  bytes: number;
  /** The database's own integrity check. */
  database: DatabaseCheck;
}

/** Progress of a maintenance task (`center verify`, `center prune`), in the CLI's progress shape. */
export type MaintenanceProgress = (p: { phase: string; done: number; total: number; unit: 'bytes' | 'items' }) => void;

export async function verifyStore(store: VerifyStore, blobs: BlobStore, onProgress?: MaintenanceProgress): Promise<VerifyReport> {
  // First: a damaged database would make what follows say wrong things.
  const report: VerifyReport = { checked: 0, damaged: [], bytes: 0, database: await store.checkIntegrity() };
  // Parts recorded while verify runs can push `done` past the total: the bar shows at most 100%.
  const total = onProgress ? (await store.parts.countAll()).bytes : 0;
  const progress = { read: 0, total, onProgress };
  let after: { ownerId: string; id: string } | null = null;
  for (;;) {
    const page = await store.parts.listAll(after, PAGE_SIZE);
    for (const part of page) {
      // Packed parts are read pack by pack below.
      if (part.pack) continue;
      const bytes = await blobs.get(part);
      report.bytes += bytes?.byteLength ?? 0;
      await judgePart(store, report, progress, part, bytes);
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) break;
    after = { ownerId: last.ownerId, id: last.id };
  }
  await verifyPacks(store, blobs, (part, bytes) => {
    report.bytes += bytes?.byteLength ?? 0;
    return judgePart(store, report, progress, part, bytes);
  });
  for (const { ownerId, id } of await store.parts.listReferencedUnrecorded(UNRECORDED_LIMIT)) {
    report.damaged.push({ ownerId, id, reason: 'unrecorded', backups: await store.parts.backupsReferencing(ownerId, id, BACKUPS_NAMED) });
  }
  return report;
}

/** Backups named per damaged part at most. */
const BACKUPS_NAMED = 100;

/** Compares one part's bytes (undefined: gone) with its recorded hash; marks and reports damage, lifts a stale mark. */
async function judgePart(
  store: VerifyStore,
  report: VerifyReport,
  progress: { read: number; total: number; onProgress: MaintenanceProgress | undefined },
  part: { ownerId: string } & StoredPart,
  bytes: Uint8Array | undefined,
): Promise<void> {
  report.checked += 1;
  progress.read += part.size;
  progress.onProgress?.({ phase: 'verify', done: Math.min(progress.read, progress.total), total: progress.total, unit: 'bytes' });
  const reason =
    bytes === undefined ? 'missing' : createHash('sha256').update(bytes).digest('hex') !== part.sha256 ? 'hash-mismatch' : undefined;
  if (!reason) {
    // Good bytes again (a blob restored by hand, a transient fault): the handset need not send it.
    if (part.damaged) await store.parts.clearDamaged(part.ownerId, part.id, part.sha256);
    return;
  }
  // The mark asks the next backup holding the part to send it again. A
  // prune beside us may have deleted it, or a re-upload repaired it, since
  // the page was read: then the row has gone or changed, and nothing is marked.
  await store.parts.markDamaged(part.ownerId, part.id, part.sha256);
  if ((await store.parts.find(part.ownerId, part.id))?.sha256 === part.sha256) {
    const backups = await store.parts.backupsReferencing(part.ownerId, part.id, BACKUPS_NAMED);
    report.damaged.push({ ownerId: part.ownerId, id: part.id, reason, backups });
  }
}
