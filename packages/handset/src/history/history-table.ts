import type { HandsetDb } from '../db/database.ts';

/** B8: the handset's own record of completed backups and restores. */
export interface LocalHistoryEntry {
  at: string;
  event: 'backup' | 'restore';
  backupId: string;
  restoreId?: string;
  /** Files sent (backup) or written (restore). */
  files: number;
  /** Sealed bytes sent (backup) or plain bytes written (restore). */
  bytes: number;
}

interface HistoryRow {
  at: string;
  event: 'backup' | 'restore';
  backup_id: string;
  restore_id: string | null;
  files: number;
  bytes: number;
}

export class HistoryTable {
  readonly #db: HandsetDb;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  add(entry: LocalHistoryEntry): void {
    this.#db.run(
      'INSERT INTO history (at, event, backup_id, restore_id, files, bytes) VALUES (?, ?, ?, ?, ?, ?)',
      entry.at,
      entry.event,
      entry.backupId,
      entry.restoreId ?? null,
      entry.files,
      entry.bytes,
    );
  }

  /** Newest first. */
  list(): LocalHistoryEntry[] {
    return this.#db.all<HistoryRow>('SELECT at, event, backup_id, restore_id, files, bytes FROM history ORDER BY seq DESC').map((row) => ({
      at: row.at,
      event: row.event,
      backupId: row.backup_id,
      ...(row.restore_id ? { restoreId: row.restore_id } : {}),
      files: row.files,
      bytes: row.bytes,
    }));
  }
}
