import type { VersionKey } from '../backup-area/version-records.ts';
import type { HandsetDb } from '../db/database.ts';

/** What the handset knows of one rescue (seed 004, R2), in handset.db. */
export interface RescueRecord {
  rescueId: string;
  requestedAt: string;
  /** The backup saving the rescue: the open one, then the committed one. Null before the center opened it. */
  backupId: string | null;
  /** The completion notice for `backupId` arrived (or the center confirmed the backup): it holds the generation. */
  committed: boolean;
  /** Exactly the item versions the backup saves, fixed when it opened. */
  generation: VersionKey[];
  erased: { at: string; items: number; kept: number } | null;
}

interface RescueRow {
  rescue_id: string;
  requested_at: string;
  backup_id: string | null;
  committed: number;
  erased_at: string | null;
  erased_items: number | null;
  kept_items: number | null;
}

/** The rescues table and its generation (migration 3). */
export class RescueRecords {
  readonly #db: HandsetDb;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  get(rescueId: string): RescueRecord | undefined {
    const row = this.#db.get<RescueRow>('SELECT * FROM rescues WHERE rescue_id = ?', rescueId);
    if (!row) return undefined;
    const generation = this.#db
      .all<{ item_id: string; version: number }>('SELECT item_id, version FROM rescue_items WHERE rescue_id = ? ORDER BY item_id', rescueId)
      .map((r) => ({ itemId: r.item_id, version: r.version }));
    return {
      rescueId: row.rescue_id,
      requestedAt: row.requested_at,
      backupId: row.backup_id,
      committed: row.committed === 1,
      generation,
      erased: row.erased_at === null ? null : { at: row.erased_at, items: row.erased_items ?? 0, kept: row.kept_items ?? 0 },
    };
  }

  /** The first rescue-save for this rescue; a repeated one changes nothing. */
  begin(rescueId: string, at: string): void {
    this.#db.run('INSERT INTO rescues (rescue_id, requested_at) VALUES (?, ?) ON CONFLICT (rescue_id) DO NOTHING', rescueId, at);
  }

  /**
   * The rescue's backup opened (or resumed, or reopened under a new id) with
   * this generation: recorded before any part is sent. Never after the
   * commit, whose generation is the one the center holds.
   */
  opened(rescueId: string, backupId: string, generation: readonly VersionKey[]): void {
    this.#db.transaction(() => {
      const row = this.#db.get<{ committed: number }>('SELECT committed FROM rescues WHERE rescue_id = ?', rescueId);
      if (!row || row.committed === 1) return;
      this.#db.run('UPDATE rescues SET backup_id = ? WHERE rescue_id = ?', backupId, rescueId);
      this.#db.run('DELETE FROM rescue_items WHERE rescue_id = ?', rescueId);
      for (const key of generation) {
        this.#db.run('INSERT INTO rescue_items (rescue_id, item_id, version) VALUES (?, ?, ?)', rescueId, key.itemId, key.version);
      }
    });
  }

  /** The completion notice for `backupId` arrived, or the center confirmed it holds the generation. */
  committed(rescueId: string, backupId: string): void {
    this.#db.run('UPDATE rescues SET backup_id = ?, committed = 1 WHERE rescue_id = ?', backupId, rescueId);
  }

  /** The latest erase, for the handset's status. */
  lastErased(): { rescueId: string; at: string } | undefined {
    const row = this.#db.get<{ rescue_id: string; erased_at: string }>(
      'SELECT rescue_id, erased_at FROM rescues WHERE erased_at IS NOT NULL ORDER BY erased_at DESC LIMIT 1',
    );
    return row && { rescueId: row.rescue_id, at: row.erased_at };
  }

  /** Part of the erase's transaction (rescue/erase.ts): the erase and its record happen together. */
  markErased(rescueId: string, at: string, items: number, kept: number): void {
    this.#db.run('UPDATE rescues SET erased_at = ?, erased_items = ?, kept_items = ? WHERE rescue_id = ?', at, items, kept, rescueId);
  }
}
