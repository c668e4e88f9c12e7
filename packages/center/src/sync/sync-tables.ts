/** The user area's tables as Kysely sees them (0009); storage-format.md lists their columns. */
export interface AreaCountersTable {
  subscriber_id: string;
  next_seq: number;
}

export interface AreaItemsTable {
  subscriber_id: string;
  guid: string;
  kind: string;
  version: number;
  seq: number;
  deleted: number;
  size: number;
  header: string | null;
  body: string | null;
  origin_terminal: string;
  change_tag: string | null;
  modified_at: string;
  /** ' ref1 ref2 ' (0014): the folders above the item, for the folder filter; null for a tombstone or an older item. */
  folder_refs: string | null;
  updated_at: string;
}

export interface AreaCursorsTable {
  subscriber_id: string;
  terminal_id: string;
  cursor: number;
  last_sync_at: string;
  /** 0012: after a collective erase, the terminal's own changes up to here are downloaded too; null: never erased. */
  refill_through: number | null;
}

export interface SyncSessionsTable {
  id: string;
  subscriber_id: string;
  terminal_id: string;
  handset_id: string;
  snapshot: number;
  /** JSON array of kinds. */
  kinds: string;
  /** JSON DownFilter (0014); null: none. */
  filters: string | null;
  direction: 'both' | 'up' | 'down';
  reason: string;
  opened_at: string;
  ended_at: string | null;
}

export interface SyncTables {
  area_counters: AreaCountersTable;
  area_items: AreaItemsTable;
  area_cursors: AreaCursorsTable;
  sync_sessions: SyncSessionsTable;
}
