/** The subscriber DB's tables as Kysely sees them (0009); storage-format.md lists their columns. */
export interface SubscribersTable {
  id: string;
  owner_id: string;
  number: string;
  /** JSON array of SecurityCheck. */
  security: string;
  pin_hash: string | null;
  /** JSON: kind → wrapped collection key. */
  keys: string;
  created_at: string;
}

export interface TerminalsTable {
  subscriber_id: string;
  terminal_id: string;
  type: 'handset' | 'gateway';
  handset_id: string | null;
  password_hash: string | null;
  /** JSON array of kinds. */
  kinds: string;
  /** JSON TerminalFilters (0014); null: none. */
  filters: string | null;
  registered_via: 'terminal' | 'shop';
  registered_at: string;
  sim_mounted_at: string | null;
  sim_removed_at: string | null;
}

/** The handsets' columns the terminal view reads (a join; handsets/ owns the table). */
interface HandsetNamesView {
  id: string;
  name: string;
}

export interface SubscriberTables {
  subscribers: SubscribersTable;
  terminals: TerminalsTable;
  handsets: HandsetNamesView;
}
