import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { MIGRATIONS } from './migrations.ts';

/**
 * The handset's SQLite file. Node's built-in driver is synchronous, which
 * suits a single-owner device database: every statement is atomic with
 * respect to the agent's other async work.
 */
export class HandsetDb {
  readonly #db: DatabaseSync;
  /** Prepared once per SQL text: the handset runs the same few statements for every item and part. */
  readonly #statements = new Map<string, StatementSync>();
  readonly #migrations: readonly string[];

  /** `migrations`: the handset's by default; the IC card (card/card-db.ts) keeps its own file with its own list. */
  constructor(file: string, migrations: readonly string[] = MIGRATIONS) {
    this.#migrations = migrations;
    this.#db = new DatabaseSync(file);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    this.#migrate();
  }

  run(sql: string, ...params: SQLInputValue[]): void {
    this.#prepare(sql).run(...params);
  }

  /** Rows typed by the caller, who knows the columns it selected. */
  all<T>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.#prepare(sql).all(...params) as unknown as T[];
  }

  get<T>(sql: string, ...params: SQLInputValue[]): T | undefined {
    return this.#prepare(sql).get(...params) as unknown as T | undefined;
  }

  /**
   * Runs `fn` in one transaction; `fn` must be synchronous so nothing else
   * interleaves. Inside another transaction `fn` simply joins it, so a caller
   * can make several tables' writes one commit (the copier: a version's new
   * parts and its record).
   */
  transaction<T>(fn: () => T): T {
    if (this.#db.isTransaction) return fn();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #migrate(): void {
    const { user_version: current } = this.get<{ user_version: number }>('PRAGMA user_version') ?? { user_version: 0 };
    this.#migrations.slice(current).forEach((sql, index) => {
      this.transaction(() => {
        this.#db.exec(sql);
        this.#db.exec(`PRAGMA user_version = ${current + index + 1}`);
      });
    });
  }
}
