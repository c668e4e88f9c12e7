/** The restore orders' table as Kysely sees it; storage-format.md lists its columns. */
import type { ErrorCode, OverwritePolicy, RestoreStatus } from '@phonesafe/protocol';

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

export interface RestoreTables {
  restores: RestoresTable;
}
