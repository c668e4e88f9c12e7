/** The wallet's automatic backup and recovery rows on the card: `auto_settings` and `auto_state` (card migration 2). */
import type { HandsetDb } from '../db/database.ts';
import { assignAutoSetting, DEFAULT_AUTO, parseAutoSettings, type AutoSettings } from './auto-settings.ts';
import type { TriggerMemory } from './triggers.ts';

/** The two rows on the card. Each write is one statement (atomic); settings are written only by the owner's verbs. */
export class AutoStore {
  readonly #db: HandsetDb;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  settings(): AutoSettings {
    const row = this.#db.get<{ settings: string }>('SELECT settings FROM auto_settings WHERE id = 1');
    return row ? parseAutoSettings(JSON.parse(row.settings), 'LOCAL_IO') : structuredClone(DEFAULT_AUTO);
  }

  /** Validates `key=value` against the whole document and stores it (USAGE naming the field otherwise). */
  set(key: string, value: string): AutoSettings {
    const next = parseAutoSettings(assignAutoSetting(this.settings(), key, value), 'USAGE');
    this.#db.run(
      'INSERT INTO auto_settings (id, settings) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET settings = excluded.settings',
      JSON.stringify(next),
    );
    return next;
  }

  memory(): TriggerMemory {
    const row = this.#db.get<{ memory: string }>('SELECT memory FROM auto_state WHERE id = 1');
    return row ? (JSON.parse(row.memory) as TriggerMemory) : { last: null, periodFrom: null };
  }

  setMemory(memory: TriggerMemory): void {
    this.#db.run(
      'INSERT INTO auto_state (id, memory) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET memory = excluded.memory',
      JSON.stringify(memory),
    );
  }
}
