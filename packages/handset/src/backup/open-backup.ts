import type { DataKind } from '@phonesafe/protocol';
import type { HandsetDb } from '../db/database.ts';
import type { VersionKey } from '../backup-area/version-records.ts';

/** A backup started at the center and not completed: its id and its generation, fixed at start. */
export interface OpenBackup {
  backupId: string;
  kinds: DataKind[];
  startedAt: string;
  generation: VersionKey[];
  /** See scopeKey; null for a backup opened before scopes were recorded, which is never resumed. */
  scope: string | null;
}

/** At most one open backup, kept in handset.db so a broken transfer resumes where it stopped. */
export class OpenBackupRecord {
  readonly #db: HandsetDb;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  get(): OpenBackup | undefined {
    const row = this.#db.get<{ backup_id: string; kinds: string; started_at: string; scope: string | null }>(
      'SELECT backup_id, kinds, started_at, scope FROM open_backup',
    );
    if (!row) return undefined;
    const generation = this.#db
      .all<{ item_id: string; version: number }>('SELECT item_id, version FROM open_backup_items WHERE backup_id = ?', row.backup_id)
      .map((r) => ({ itemId: r.item_id, version: r.version }));
    return { backupId: row.backup_id, kinds: JSON.parse(row.kinds) as DataKind[], startedAt: row.started_at, generation, scope: row.scope };
  }

  /** Replaces any previous record (an abandoned one, or the same generation under a new backup id). */
  save(open: OpenBackup): void {
    this.#db.transaction(() => {
      this.clear();
      this.#db.run(
        'INSERT INTO open_backup (backup_id, kinds, started_at, scope) VALUES (?, ?, ?, ?)',
        open.backupId,
        JSON.stringify(open.kinds),
        open.startedAt,
        open.scope,
      );
      for (const key of open.generation) {
        this.#db.run(
          'INSERT INTO open_backup_items (backup_id, item_id, version) VALUES (?, ?, ?)',
          open.backupId,
          key.itemId,
          key.version,
        );
      }
    });
  }

  clear(): void {
    this.#db.run('DELETE FROM open_backup');
  }
}
