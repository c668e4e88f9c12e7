/**
 * The backup capability's tables as Kysely sees them: stored parts, backups
 * and what each committed backup references. storage-format.md lists their
 * columns.
 */
import type { Generated } from 'kysely';

export interface PartsTable {
  owner_id: string;
  id: string;
  size: number;
  sha256: string;
  created_at: string;
  /** 1 when verify or a read found the blob missing or its bytes wrong (migration 0005); a re-upload repairs it. */
  damaged: Generated<number>;
  /** When the center last answered the part as present (migration 0005); prune counts the grace period from it. */
  used_at: string | null;
  /** The pack holding its bytes (migration 0013); null: a blob file of its own. */
  pack_id: string | null;
  /** Where its bytes begin in that pack (migration 0013). */
  pack_offset: number | null;
}

export interface BackupsTable {
  id: string;
  owner_id: string;
  handset_id: string;
  kinds: string;
  trigger: string;
  status: 'open' | 'committed';
  started_at: string;
  committed_at: string | null;
  file_count: number;
  stored_bytes: number;
  manifest_id: string | null;
  manifest_size: number | null;
  manifest_sha256: string | null;
  /** Kinds covered completely, JSON (migration 0008); null for backups made before. */
  complete_kinds: string | null;
  /** When the owner chose to keep it for good (migration 0011); null: retention may forget it. */
  kept_at: Generated<string | null>;
}

export interface BackupFilesTable {
  backup_id: string;
  /** Position in the end notice, so files come back in the order the handset sent them. */
  seq: number;
  ref: string;
  size: number;
  parts: string;
}

export interface BackupPartsTable {
  backup_id: string;
  part_id: string;
}

export interface BackupTables {
  parts: PartsTable;
  backups: BackupsTable;
  backup_files: BackupFilesTable;
  backup_parts: BackupPartsTable;
  /** Read only, for the handset's name beside each backup (handsets/handset-tables.ts owns it). */
  handsets: { id: string; name: string };
}
