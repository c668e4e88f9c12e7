/** The wrong-try counters' port (wrong-try-repo.ts) over Kysely. */
import { type Engine, inTransaction, tablesOf } from '@phonesafe/server-kit';
import type { WrongTryRepo, WrongTryRow } from './wrong-try-repo.ts';
import type { WrongTriesTable, WrongTryTables } from './wrong-try-tables.ts';

export function wrongTryQueries(engine: Engine): WrongTryRepo {
  const db = tablesOf<WrongTryTables>(engine);
  return {
    async find(key) {
      const row = await db.selectFrom('wrong_tries').selectAll().where('key', '=', key).executeTakeFirst();
      return row && toWrongTry(row);
    },

    async change(key, change) {
      return inTransaction<WrongTryTables, WrongTryRow | null>(engine, async (trx) => {
        // Make sure a row exists to lock, then read it under the lock (PostgreSQL) or the SQLite write transaction.
        await trx
          .insertInto('wrong_tries')
          .values({ key, failures: 0, locked_until: null, last_failure_at: null })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        const current = await trx
          .selectFrom('wrong_tries')
          .selectAll()
          .where('key', '=', key)
          .$if(engine.rowLocks, (qb) => qb.forUpdate())
          .executeTakeFirstOrThrow();
        const next = change(toWrongTry(current));
        if (next === null) {
          await trx.deleteFrom('wrong_tries').where('key', '=', key).execute();
          return null;
        }
        await trx
          .updateTable('wrong_tries')
          .set({ failures: next.failures, locked_until: next.lockedUntil, last_failure_at: next.lastFailureAt })
          .where('key', '=', key)
          .execute();
        return { ...next, key };
      });
    },

    async delete(key) {
      await db.deleteFrom('wrong_tries').where('key', '=', key).execute();
    },

    async deleteStale(before, now) {
      const result = await db
        .deleteFrom('wrong_tries')
        .where((eb) => eb.or([eb('last_failure_at', 'is', null), eb('last_failure_at', '<', before)]))
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toWrongTry(row: WrongTriesTable): WrongTryRow {
  return { key: row.key, failures: row.failures, lockedUntil: row.locked_until, lastFailureAt: row.last_failure_at };
}
