/**
 * Adapter from Node's built-in `node:sqlite` to the better-sqlite3-shaped
 * object Kysely's `SqliteDialect` expects. It exists so the center needs no
 * native npm module: `DatabaseSync` ships with Node, but its statements take
 * spread parameters and do not say whether they return rows.
 */
import { chmodSync, closeSync, openSync } from 'node:fs';
import { DatabaseSync, type SQLInputValue, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** How long a statement waits for another process's lock (e.g. `center verify` beside a running center). */
const BUSY_TIMEOUT_MS = 5_000;
/** Kysely compiles the same few dozen statements over and over; preparing each anew cost 10% of a transfer's CPU. */
const STATEMENT_CACHE_SIZE = 256;
/** The database holds every owner's metadata: readable by the server's user alone. */
const FILE_MODE = 0o600;

export function openSqliteDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') ownerOnly(path);
  const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
  // WAL lets readers proceed while a commit writes; foreign keys are off by
  // default in SQLite. synchronous = NORMAL: a commit is safe from a killed
  // process at once, but reaches the disk only at the next checkpoint. node:sqlite
  // runs on the event loop, so an fsync per part record would stall every
  // request; the one commit whose loss would hurt — a backup's, after which
  // the handset deletes its copies — is followed by Engine.syncCommits.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare: (text) => {
      // Kysely begins every transaction with a deferred `begin`. Such a
      // transaction asks for the write lock only at its first write, and fails
      // at once with SQLITE_BUSY (no busy wait) when another process wrote
      // since it first read. Taking the lock at BEGIN makes a transaction wait
      // its turn like any statement: `center prune` beside a live center.
      const sql = text === 'begin' ? 'begin immediate' : text;
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        statement = wrapStatement(db.prepare(sql));
        cache.set(sql, statement);
      }
      return statement;
    },
    close: () => db.close(),
  };
}

/**
 * The database file is created 0600 before SQLite opens it, and an existing
 * one (with its -wal and -shm) is tightened to 0600: SQLite creates its -wal
 * and -shm files with the database file's mode, so all three stay the
 * owner's alone.
 */
function ownerOnly(path: string): void {
  closeSync(openSync(path, 'a', FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/**
 * node:sqlite rows have a null prototype; copy them into ordinary objects so
 * rows from both dialects compare equal (assert.deepStrictEqual checks prototypes).
 */
function plain(row: Record<string, SQLOutputValue>): Record<string, SQLOutputValue> {
  return { ...row };
}

function wrapStatement(statement: StatementSync): SqliteStatement {
  const bind = (parameters: ReadonlyArray<unknown>) => parameters as SQLInputValue[];
  return {
    // A statement returns rows exactly when it has result columns (SELECT, or RETURNING).
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...bind(parameters)).map(plain),
    run: (parameters) => statement.run(...bind(parameters)),
    *iterate(parameters) {
      for (const row of statement.iterate(...bind(parameters))) yield plain(row);
    },
  };
}
