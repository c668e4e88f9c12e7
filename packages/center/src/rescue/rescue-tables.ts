/** The rescue desk's tables as Kysely sees them (rescue.md); storage-format.md lists their columns. */
import type { Generated } from 'kysely';
import type { RescueAuditRow, RescueStatus } from './rescue-repo.ts';

export interface RescueCodesTable {
  phone: string;
  owner_id: string;
  code_hash: string;
  set_at: string;
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

export interface RescueTables {
  rescue_codes: RescueCodesTable;
  rescues: RescuesTable;
  rescue_audit: RescueAuditTable;
}
