/**
 * How capabilities reach the database: each through a Kysely handle typed
 * with its own tables only, and several of them over one transaction.
 *
 * Kysely's `Kysely<DB>` is invariant in DB, so a handle over every table is
 * not a handle over some of them; `tablesOf` is the one sanctioned cast. A
 * capability's queries call it with their own table types (plus, for joins,
 * the few columns of other tables they read, never write).
 */
import type { Kysely } from 'kysely';
import type { Engine } from './engine.ts';

/** The engine's database as a capability sees it: only the tables of `T`. */
export function tablesOf<T>(engine: Pick<Engine, 'db'>): Kysely<T> {
  return engine.db as unknown as Kysely<T>;
}

/**
 * Runs `work` in a transaction: the engine's own when it is already one (a
 * repository method called inside `Store.transaction`), else a new one. So a
 * repository method that needs atomicity states it once and still joins a
 * larger unit of work.
 */
export function inTransaction<T, R>(engine: Pick<Engine, 'db'>, work: (trx: Kysely<T>) => Promise<R>): Promise<R> {
  const db = tablesOf<T>(engine);
  if (db.isTransaction) return work(db);
  return db.transaction().execute((trx) => work(trx));
}

/** The same engine over the transaction `trx`: repositories built on it run their statements inside it. */
export function engineIn(engine: Engine, trx: Kysely<unknown>): Engine {
  return { ...engine, db: trx };
}

/**
 * Runs `work` with repositories over one transaction: all their writes
 * commit together or not at all. A consumer states the repositories it needs
 * as `Tx` (e.g. `{ rescues: Pick<RescueRepo, 'takeDue'> }`); the center's
 * `Store.transaction` fits any such port.
 */
export type UnitOfWork<Tx> = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

/** The unit of work over repositories `build` makes on an engine. */
export function unitOfWork<R>(engine: Engine, build: (engine: Engine) => R): UnitOfWork<R> {
  return (work) => inTransaction(engine, (trx) => work(build(engineIn(engine, trx))));
}
