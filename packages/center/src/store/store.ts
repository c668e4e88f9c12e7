/**
 * The center's storage port. Two adapters implement it (SQLite, PostgreSQL)
 * over one Kysely schema; `test/store-conformance.ts` runs the same suite
 * against both. Services depend on this interface only.
 *
 * Contracts common to every method:
 * - Methods are scoped by owner where an owner id is taken: a row of another
 *   owner is never returned or changed (callers then answer NOT_FOUND).
 * - Times are ISO-8601 UTC strings supplied by the caller's Clock; the store
 *   never reads the wall clock.
 * - Nothing here throws HTTP errors; unique-key violations surface as
 *   PhoneSafeError with the code named in the method comment.
 */
import type { DataKind, KdfParams, OverwritePolicy, PartRef } from '@phonesafe/protocol';

export interface OwnerRow {
  id: string;
  email: string;
  authHash: string;
  kdf: KdfParams;
  wrappedDataKey: string;
  createdAt: string;
}

export interface HandsetRow {
  id: string;
  ownerId: string;
  name: string;
  credentialHash: string;
  enrolledAt: string;
  lastSeenAt: string | null;
}

export interface BackupRow {
  id: string;
  ownerId: string;
  handsetId: string;
  handsetName: string;
  kinds: DataKind[];
  trigger: string;
  status: 'open' | 'committed';
  startedAt: string;
  committedAt: string | null;
  fileCount: number;
  storedBytes: number;
  manifest: PartRef | null;
}

export interface BackupFileRow {
  ref: string;
  size: number;
  parts: string[];
}

export interface RestoreRow {
  id: string;
  ownerId: string;
  backupId: string;
  handsetId: string;
  kinds: DataKind[] | null;
  deleteAfter: boolean;
  overwrite: OverwritePolicy;
  status: 'pending' | 'completed';
  requestedAt: string;
  completedAt: string | null;
}

export interface HistoryRow {
  at: string;
  ownerId: string;
  handsetId: string | null;
  backupId: string | null;
  event: 'backup-committed' | 'restore-requested' | 'restore-completed' | 'backup-deleted' | 'backup-forgotten';
  detail: string;
}

export interface CommitInput {
  backupId: string;
  ownerId: string;
  committedAt: string;
  manifest: PartRef;
  /** Every part of the generation; each must already be in `parts` for this owner. */
  parts: PartRef[];
  files: BackupFileRow[];
}

export interface OwnerRepo {
  /** Throws PhoneSafeError OWNER_EXISTS when the e-mail is taken. */
  create(row: OwnerRow): Promise<void>;
  findByEmail(email: string): Promise<OwnerRow | undefined>;
  findById(id: string): Promise<OwnerRow | undefined>;
  addToken(token: { id: string; ownerId: string; secretHash: string; expiresAt: string }): Promise<void>;
  findToken(id: string): Promise<{ ownerId: string; secretHash: string; expiresAt: string } | undefined>;
  deleteExpiredTokens(now: string): Promise<number>;
}

export interface HandsetRepo {
  /** Throws PhoneSafeError HANDSET_NAME_TAKEN when the owner has one by that name. */
  create(row: HandsetRow): Promise<void>;
  findById(id: string): Promise<HandsetRow | undefined>;
  findByName(ownerId: string, name: string): Promise<HandsetRow | undefined>;
  listByOwner(ownerId: string): Promise<HandsetRow[]>;
  touch(id: string, at: string): Promise<void>;
}

export interface PartRepo {
  /** Of `ids`, the parts recorded for this owner (any order). */
  findStored(ownerId: string, ids: string[]): Promise<PartRef[]>;
  find(ownerId: string, id: string): Promise<PartRef | undefined>;
  /** Idempotent: recording an existing (owner, id) with the same sha256 is a no-op returning 'existing'. */
  record(ownerId: string, part: PartRef, createdAt: string): Promise<'new' | 'existing'>;
  /** Parts no committed or open backup references, created before `olderThan`. */
  listUnreferenced(olderThan: string): Promise<Array<{ ownerId: string; id: string }>>;
  remove(ownerId: string, id: string): Promise<void>;
  /** Every part, in pages, for `center verify`. */
  listAll(afterKey: { ownerId: string; id: string } | null, limit: number): Promise<Array<{ ownerId: string } & PartRef>>;
  totalBytes(ownerId: string): Promise<number>;
}

export interface BackupRepo {
  open(row: BackupRow): Promise<void>;
  find(ownerId: string, id: string): Promise<BackupRow | undefined>;
  /** Committed backups, newest first; `handsetId` narrows to one handset. */
  listCommitted(ownerId: string, handsetId?: string): Promise<BackupRow[]>;
  files(backupId: string): Promise<BackupFileRow[]>;
  parts(backupId: string): Promise<PartRef[]>;
  /**
   * Atomically: checks the backup is open, writes files and part references,
   * sets status committed with counts and manifest. All or nothing.
   * Throws BACKUP_NOT_OPEN, PART_MISSING (extra.missing = ids) or
   * END_NOTICE_MISMATCH (extra.mismatched = ids) and commits nothing.
   */
  commit(input: CommitInput): Promise<BackupRow>;
  /** Deletes a backup and its references (not its blobs). */
  remove(ownerId: string, id: string): Promise<boolean>;
  /** Open backups started before `before`, for expiry. */
  listStaleOpen(before: string): Promise<BackupRow[]>;
}

export interface RestoreRepo {
  create(row: RestoreRow): Promise<void>;
  find(ownerId: string, id: string): Promise<RestoreRow | undefined>;
  listPending(handsetId: string): Promise<RestoreRow[]>;
  complete(id: string, at: string): Promise<void>;
}

export interface HistoryRepo {
  append(row: HistoryRow): Promise<void>;
  list(ownerId: string, handsetId?: string, limit?: number): Promise<HistoryRow[]>;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  owners: OwnerRepo;
  handsets: HandsetRepo;
  parts: PartRepo;
  backups: BackupRepo;
  restores: RestoreRepo;
  history: HistoryRepo;
  /** Applies pending migrations. Idempotent; safe to call at every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
