import type { HandsetDb } from '../db/database.ts';

/**
 * Whether a save is writing the backup area right now (B3 [0050]: "NG during
 * backup file creation"). Within this process it is a count of saves queued
 * or running; a save in another process on the same data directory (an
 * import while `handset run` answers the center) is a row in handset.db for
 * as long as it lasts. A row left by a killed process is ignored and cleared.
 */
export class AreaWriters {
  readonly #db: HandsetDb;
  #local = 0;
  /** Nested tracks of this process share one row. */
  #recorded = 0;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  /** Runs `task` counted as writing; `shared` also records it for other processes (a whole import). */
  async track<T>(task: () => Promise<T>, shared = false): Promise<T> {
    this.#local++;
    if (shared && this.#recorded++ === 0) {
      this.#db.run('INSERT OR REPLACE INTO area_writers (pid, since) VALUES (?, ?)', process.pid, new Date().toISOString());
    }
    try {
      return await task();
    } finally {
      this.#local--;
      if (shared && --this.#recorded === 0) this.#db.run('DELETE FROM area_writers WHERE pid = ?', process.pid);
    }
  }

  writing(): boolean {
    if (this.#local > 0) return true;
    for (const { pid } of this.#db.all<{ pid: number }>('SELECT pid FROM area_writers WHERE pid <> ?', process.pid)) {
      if (isAlive(pid)) return true;
      this.#db.run('DELETE FROM area_writers WHERE pid = ?', pid);
    }
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
