/** The SIM sync's rows in handset.db (handset-storage.md): this terminal, the SIM slot, area 6b, the synced items. */
import { randomInt } from 'node:crypto';
import type { DataKind } from '@phonesafe/protocol';
import { luhnDigit } from '@phonesafe/protocol';
import type { HandsetDb } from '../db/database.ts';

export type BindMode = 'terminal' | 'sim' | 'every-sync';

export interface TerminalRecord {
  terminalId: string;
  passwordHash: string | null;
  bindMode: BindMode;
  passwordEachSync: boolean;
  /** [0023]: edits of synced data are refused while no SIM is inserted (else only warned). */
  requireSimForEdits: boolean;
}

export interface SlotRecord {
  subscriber: string;
  cameFrom: string;
  insertedAt: string;
}

export interface SyncedItem {
  guid: string;
  subscriber: string;
  itemId: string;
  path: string;
  kind: DataKind;
  /** The center's version this handset holds; 0 while never accepted. */
  version: number;
  /** The content of that version ('' while never accepted). */
  sha256: string;
  /** A change sent and not yet answered: its tag and content. */
  pendingTag: string | null;
  pendingSha256: string | null;
}

interface TerminalRow {
  terminal_id: string;
  password_hash: string | null;
  bind_mode: BindMode;
  password_each_sync: number;
  require_sim_for_edits: number;
}

interface SyncedRow {
  guid: string;
  subscriber: string;
  item_id: string;
  path: string;
  kind: DataKind;
  version: number;
  sha256: string;
  pending_tag: string | null;
  pending_sha256: string | null;
}

export class SyncRecords {
  readonly #db: HandsetDb;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  /** This terminal; its ID is made the first time it is asked for (15 digits, Luhn check digit) and never changes. */
  terminal(): TerminalRecord {
    let row = this.#db.get<TerminalRow>(
      'SELECT terminal_id, password_hash, bind_mode, password_each_sync, require_sim_for_edits FROM sync_terminal WHERE id = 1',
    );
    if (!row) {
      const body = `35${String(randomInt(0, 1e12)).padStart(12, '0')}`;
      this.#db.run('INSERT INTO sync_terminal (id, terminal_id) VALUES (1, ?) ON CONFLICT (id) DO NOTHING', `${body}${luhnDigit(body)}`);
      row = this.#db.get<TerminalRow>(
        'SELECT terminal_id, password_hash, bind_mode, password_each_sync, require_sim_for_edits FROM sync_terminal WHERE id = 1',
      )!;
    }
    return {
      terminalId: row.terminal_id,
      passwordHash: row.password_hash,
      bindMode: row.bind_mode,
      passwordEachSync: row.password_each_sync === 1,
      requireSimForEdits: row.require_sim_for_edits === 1,
    };
  }

  setPasswordHash(hash: string): void {
    this.terminal();
    this.#db.run('UPDATE sync_terminal SET password_hash = ?, password_failures = 0 WHERE id = 1', hash);
  }

  /** Counts a wrong terminal password; answers the count. A right one (or a new password) resets it. */
  passwordFailed(): number {
    this.#db.run('UPDATE sync_terminal SET password_failures = password_failures + 1 WHERE id = 1');
    return this.#db.get<{ n: number }>('SELECT password_failures AS n FROM sync_terminal WHERE id = 1')?.n ?? 0;
  }

  passwordFailures(): number {
    return this.#db.get<{ n: number }>('SELECT password_failures AS n FROM sync_terminal WHERE id = 1')?.n ?? 0;
  }

  passwordRight(): void {
    this.#db.run('UPDATE sync_terminal SET password_failures = 0 WHERE id = 1');
  }

  setMode(mode: BindMode, passwordEachSync: boolean, requireSimForEdits: boolean): void {
    this.terminal();
    this.#db.run(
      'UPDATE sync_terminal SET bind_mode = ?, password_each_sync = ?, require_sim_for_edits = ? WHERE id = 1',
      mode,
      passwordEachSync ? 1 : 0,
      requireSimForEdits ? 1 : 0,
    );
  }

  /** Whether this handset syncs at all: bound, or holding synced items. */
  isTerminal(): boolean {
    return this.#db.get('SELECT 1 AS x FROM sync_binding UNION ALL SELECT 1 FROM sync_items LIMIT 1') !== undefined;
  }

  slot(): SlotRecord | undefined {
    const row = this.#db.get<{ subscriber: string; came_from: string; inserted_at: string }>(
      'SELECT subscriber, came_from, inserted_at FROM sim_slot WHERE id = 1',
    );
    return row && { subscriber: row.subscriber, cameFrom: row.came_from, insertedAt: row.inserted_at };
  }

  setSlot(slot: SlotRecord | undefined): void {
    if (!slot) return this.#db.run('DELETE FROM sim_slot');
    this.#db.run(
      `INSERT INTO sim_slot (id, subscriber, came_from, inserted_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET subscriber = excluded.subscriber, came_from = excluded.came_from, inserted_at = excluded.inserted_at`,
      slot.subscriber,
      slot.cameFrom,
      slot.insertedAt,
    );
  }

  isBound(subscriber: string): boolean {
    return this.#db.get('SELECT 1 AS x FROM sync_binding WHERE subscriber = ?', subscriber) !== undefined;
  }

  bind(subscriber: string, at: string, via: 'terminal' | 'shop'): void {
    this.#db.run(
      'INSERT INTO sync_binding (subscriber, bound_at, via) VALUES (?, ?, ?) ON CONFLICT (subscriber) DO NOTHING',
      subscriber,
      at,
      via,
    );
  }

  bindings(): string[] {
    return this.#db.all<{ subscriber: string }>('SELECT subscriber FROM sync_binding ORDER BY subscriber').map((r) => r.subscriber);
  }

  items(subscriber: string): SyncedItem[] {
    return this.#db.all<SyncedRow>('SELECT * FROM sync_items WHERE subscriber = ?', subscriber).map(toSynced);
  }

  byItem(itemId: string): SyncedItem | undefined {
    const row = this.#db.get<SyncedRow>('SELECT * FROM sync_items WHERE item_id = ?', itemId);
    return row && toSynced(row);
  }

  byGuid(guid: string): SyncedItem | undefined {
    const row = this.#db.get<SyncedRow>('SELECT * FROM sync_items WHERE guid = ?', guid);
    return row && toSynced(row);
  }

  put(item: SyncedItem): void {
    this.#db.run(
      `INSERT INTO sync_items (guid, subscriber, item_id, path, kind, version, sha256, pending_tag, pending_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (guid) DO UPDATE SET item_id = excluded.item_id, path = excluded.path, kind = excluded.kind, version = excluded.version,
         sha256 = excluded.sha256, pending_tag = excluded.pending_tag, pending_sha256 = excluded.pending_sha256`,
      item.guid,
      item.subscriber,
      item.itemId,
      item.path,
      item.kind,
      item.version,
      item.sha256,
      item.pendingTag,
      item.pendingSha256,
    );
  }

  forget(guid: string): void {
    this.#db.run('DELETE FROM sync_items WHERE guid = ?', guid);
  }
}

function toSynced(row: SyncedRow): SyncedItem {
  return {
    guid: row.guid,
    subscriber: row.subscriber,
    itemId: row.item_id,
    path: row.path,
    kind: row.kind,
    version: row.version,
    sha256: row.sha256,
    pendingTag: row.pending_tag,
    pendingSha256: row.pending_sha256,
  };
}
