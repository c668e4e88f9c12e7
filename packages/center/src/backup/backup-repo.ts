/** The backups' storage port. The contracts every repository keeps are stated in center-store.ts. */
import type { DataKind, PartRef } from '@phonesafe/protocol';

export interface BackupRow {
  id: string;
  ownerId: string;
  handsetId: string;
  handsetName: string;
  /** Kinds the backup holds items of (as the handset declared them). */
  kinds: DataKind[];
  /** Of `kinds`, those it covers completely (every item of the kind); null for backups made before this was recorded. */
  complete: DataKind[] | null;
  trigger: string;
  status: 'open' | 'committed';
  startedAt: string;
  committedAt: string | null;
  fileCount: number;
  storedBytes: number;
  manifest: PartRef | null;
  /** When the owner chose to keep it for good (`pc keep`); null: retention may forget it. */
  keptAt: string | null;
}

export interface BackupFileRow {
  ref: string;
  size: number;
  parts: string[];
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

export interface BackupRepo {
  open(row: BackupRow): Promise<void>;
  find(ownerId: string, id: string): Promise<BackupRow | undefined>;
  /** Committed backups, newest first; `handsetId` narrows to one handset. */
  listCommitted(ownerId: string, handsetId?: string): Promise<BackupRow[]>;
  files(backupId: string): Promise<BackupFileRow[]>;
  parts(backupId: string): Promise<PartRef[]>;
  /**
   * Atomically: checks the backup is open, writes files and part references,
   * sets status committed with counts and manifest. All or nothing. The
   * parts are read under a share lock, so a prune deleting one of them makes
   * the commit wait and then refuse it; a damaged part counts as missing.
   * Throws BACKUP_NOT_OPEN, PART_MISSING (extra.missing = ids) or
   * END_NOTICE_MISMATCH (extra.mismatched = ids) and commits nothing.
   */
  commit(input: CommitInput): Promise<BackupRow>;
  /** Keeps a committed backup for good (`at`) or lets it go (null); false when the owner has no such backup. */
  setKept(ownerId: string, id: string, at: string | null): Promise<boolean>;
  /** Deletes a backup and its references (not its blobs). */
  remove(ownerId: string, id: string): Promise<boolean>;
  /** Open backups started before `before`, for expiry. */
  listStaleOpen(before: string): Promise<BackupRow[]>;
  /** Whether the handset has an open backup with this trigger (a rescue save in progress is outside the quota). */
  hasOpen(handsetId: string, trigger: string): Promise<boolean>;
}
