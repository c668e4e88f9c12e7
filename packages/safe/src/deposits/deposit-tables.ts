/** The deposits table (FIG 4: one row per registration; the index is (serial, hash)) and the certificate counter. */
export interface DepositRowTable {
  id: string;
  deposit_key: string;
  serial: number;
  hash: string;
  class: string;
  semantics: string;
  owner_ref: string | null;
  card_id: string;
  header: string;
  card_sig: string;
  record_sha: string;
  /** The card's sealed value (base64url); null once released or destroyed: the row is then a tombstone. */
  body: string | null;
  body_size: number;
  cert_body: string;
  cert_sig: string;
  state: string;
  release_id: string | null;
  created_at: string;
  released_at: string | null;
  /** V12: wrong or missing device answers left before the body is destroyed; null without a device. */
  device_tries_left: number | null;
}

export interface DepositTables {
  deposits: DepositRowTable;
  safe_counter: { id: number; next: number };
}
