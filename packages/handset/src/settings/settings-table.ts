import type { ScheduleSpec } from '@phonesafe/protocol';
import type { HandsetDb } from '../db/database.ts';
import { applyPatch, DEFAULT_SETTINGS, parseSettings, type HandsetSettings, type SettingsPatch } from './schema.ts';

export type { HandsetSettings, SettingsPatch } from './schema.ts';

/** The completion flag of B5: the last backup the center confirmed. */
export interface LastBackup {
  backupId: string;
  at: string;
}

/**
 * Settings, the completion flag and what the center knows of the schedule,
 * kept as key/value rows of handset.db. The settings are one JSON document,
 * validated on the way in and out.
 */
export class SettingsTable {
  readonly #db: HandsetDb;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  get(): HandsetSettings {
    const stored = this.#value('settings');
    if (stored !== undefined) return parseSettings(JSON.parse(stored), 'LOCAL_IO');
    // A handset from before issue 3 stored only `compress`; keep the owner's choice.
    const compress = this.#value('compress');
    const defaults = structuredClone(DEFAULT_SETTINGS);
    return compress === undefined ? defaults : { ...defaults, compress: compress === 'true' };
  }

  update(patch: SettingsPatch): HandsetSettings {
    const next = applyPatch(this.get(), patch);
    this.#set('settings', JSON.stringify(next));
    return next;
  }

  /**
   * The schedule the center has not been told of yet, or undefined when it
   * knows the current one. Registration may fail (center down, handset
   * offline); the run loop tries again on its next connection.
   */
  unregisteredSchedule(): { schedule: ScheduleSpec | null } | undefined {
    const { schedule } = this.get().triggers;
    return this.#value('schedule_registered') === JSON.stringify(schedule) ? undefined : { schedule };
  }

  markScheduleRegistered(schedule: ScheduleSpec | null): void {
    this.#set('schedule_registered', JSON.stringify(schedule));
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
