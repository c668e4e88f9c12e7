/** The handsets' table as Kysely sees it; storage-format.md lists its columns. */
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

export interface HandsetTables {
  handsets: HandsetsTable;
}
