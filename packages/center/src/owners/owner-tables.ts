/**
 * The owners' tables as Kysely sees them (snake_case, JSON as text, as in
 * every table of the center: see store/transaction.ts). Only this
 * capability's queries use them; storage-format.md lists their columns.
 */
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
  /** Hash of the recovery key's auth key (migration 0011); null: no recovery key. */
  recovery_auth_hash: string | null;
  /** The data key wrapped with the recovery key's key-encryption key (migration 0011). */
  recovery_wrapped_key: string | null;
}

export interface OwnerTokensTable {
  id: string;
  owner_id: string;
  secret_hash: string;
  expires_at: string;
}

export interface OwnerTables {
  owners: OwnersTable;
  owner_tokens: OwnerTokensTable;
}
