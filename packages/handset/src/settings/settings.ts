import type { HandsetDb } from '../db/database.ts';

/** What the owner can change on the handset (B1); defaults work with no set-up. */
export interface HandsetSettings {
  /** Compress backup copies before sealing (kinds that are compressed already are never tried). */
  compress: boolean;
}

const DEFAULTS: HandsetSettings = { compress: true };

/** The completion flag of B5: the last backup the center confirmed. */
export interface LastBackup {
  backupId: string;
  at: string;
}

/** Settings and the completion flag, kept as key/value rows of handset.db. */
export class SettingsStore {
  readonly #db: HandsetDb;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  get(): HandsetSettings {
    const compress = this.#value('compress');
    return { compress: compress === undefined ? DEFAULTS.compress : compress === 'true' };
  }

  update(change: Partial<HandsetSettings>): HandsetSettings {
    if (change.compress !== undefined) this.#set('compress', String(change.compress));
    return this.get();
  }

  lastBackup(): LastBackup | undefined {
    const backupId = this.#value('last_backup_id');
    const at = this.#value('last_backup_at');
    return backupId && at ? { backupId, at } : undefined;
  }

  setLastBackup(last: LastBackup): void {
    this.#set('last_backup_id', last.backupId);
    this.#set('last_backup_at', last.at);
  }

  #value(key: string): string | undefined {
    return this.#db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key)?.value;
  }

  #set(key: string, value: string): void {
    this.#db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }
}
