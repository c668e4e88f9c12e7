/**
 * Row shapes of the center's tables as Kysely sees them (snake_case, JSON as
 * text, booleans as 0/1 so both dialects bind the same values). Repositories
 * map these to the camelCase rows of `store.ts`; nothing else imports this.
 */
import type { ErrorCode, OverwritePolicy, RestoreStatus } from '@phonesafe/protocol';
import type { Generated, Kysely } from 'kysely';
import type { HistoryRow, JobStatus, NoticeRow, RescueAuditRow, RescueStatus } from './store.ts';

export interface OwnersTable {
  id: string;
  email: string;
  auth_hash: string;
  kdf: string;
  wrapped_data_key: string;
  created_at: string;
  /** Per-owner quota override (migration 0002); null means the center's default. */
  quota_bytes: number | null;
  /** The owner's own lower limit (migration 0005); null: none. */
  quota_limit_bytes: number | null;
}

export interface OwnerTokensTable {
  id: string;
  owner_id: string;
  secret_hash: string;
  expires_at: string;
}

export interface HandsetsTable {
  id: string;
  owner_id: string;
  name: string;
  credential_hash: string;
  enrolled_at: string;
  last_seen_at: string | null;
  /** MSISDN (migration 0003); a replacement handset is enrolled with the same one. */
  phone: string | null;
  revoked_at: string | null;
}

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

export interface RestoresTable {
  id: string;
  owner_id: string;
  backup_id: string;
  handset_id: string;
  kinds: string | null;
  delete_after: number;
  overwrite: OverwritePolicy;
  /** 'owner' or 'handset' (migration 0008); null for orders stored before it. */
  placed_by: 'owner' | 'handset' | null;
  status: RestoreStatus;
  requested_at: string;
  completed_at: string | null;
  /** Failed tries, the last one's error code, when it is offered again (migration 0008). */
  attempts: number;
  last_code: ErrorCode | null;
  next_try_at: string | null;
}

export interface HistoryTable {
  id: Generated<number>;
  owner_id: string;
  handset_id: string | null;
  backup_id: string | null;
  event: HistoryRow['event'];
  detail: string;
  at: string;
}

export interface SchedulesTable {
  handset_id: string;
  owner_id: string;
  /** ScheduleSpec as JSON, or null when the handset has no schedule. */
  spec: string | null;
  /** The schedule's overrides of the retry policy (Partial<RetryPolicy>) as JSON. */
  retry: string;
  next_run_at: string | null;
  updated_at: string;
}

export interface JobsTable {
  id: string;
  owner_id: string;
  handset_id: string;
  status: JobStatus;
  attempt: number;
  due_at: string;
  request_id: string | null;
  answer_by: string | null;
  run_deadline: string | null;
  /** The NG reason of every failed try, in order, as a JSON array. */
  reasons: string;
  /** The effective RetryPolicy the job was made with, as JSON. */
  retry: string;
  backup_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface NoticesTable {
  id: string;
  owner_id: string;
  handset_id: string | null;
  kind: NoticeRow['kind'];
  message: string;
  at: string;
}

export interface RescueCodesTable {
  phone: string;
  owner_id: string;
  code_hash: string;
  set_at: string;
}

export interface WrongTriesTable {
  /** `code:<phone>`, `control:<phone>` (rescue desk) or `login:<email>`. */
  key: string;
  failures: number;
  locked_until: string | null;
  /** Null on rows from before migration 0004. */
  last_failure_at: string | null;
}

export interface RescuesTable {
  id: string;
  owner_id: string;
  phone: string;
  handset_id: string;
  status: RescueStatus;
  requested_at: string;
  window_ends_at: string;
  last_attempt_at: string | null;
  request_id: string | null;
  backup_id: string | null;
  /** Always null since migration 0007 (kept: SQLite cannot drop a unique column); see control_seal. */
  control_number: string | null;
  /** Migration 0007: the control number sealed under the code number (rescue/control-seal.ts). */
  control_seal: string | null;
  /** Migration 0007: a scrypt hash of a control number stored in clear before it. */
  control_hash: string | null;
  saved_at: string | null;
  erased_at: string | null;
  expires_at: string | null;
  warned_at: string | null;
  files: number | null;
}

export interface RescueAuditTable {
  id: Generated<number>;
  owner_id: string;
  phone: string;
  rescue_id: string | null;
  event: RescueAuditRow['event'];
  detail: string;
  at: string;
}

export interface Database {
  owners: OwnersTable;
  owner_tokens: OwnerTokensTable;
  handsets: HandsetsTable;
  parts: PartsTable;
  backups: BackupsTable;
  backup_files: BackupFilesTable;
  backup_parts: BackupPartsTable;
  restores: RestoresTable;
  history: HistoryTable;
  schedules: SchedulesTable;
  jobs: JobsTable;
  notices: NoticesTable;
  rescue_codes: RescueCodesTable;
  wrong_tries: WrongTriesTable;
  rescues: RescuesTable;
  rescue_audit: RescueAuditTable;
}

export type Db = Kysely<Database>;
