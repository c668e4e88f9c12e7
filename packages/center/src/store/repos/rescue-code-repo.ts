import type { Engine } from '../engine.ts';
import type { RescueAttemptsTable } from '../schema.ts';
import type { RescueAttemptRow, RescueCodeRepo } from '../store.ts';

export function rescueCodeRepo(engine: Engine): RescueCodeRepo {
  const { db } = engine;
  return {
    async putCode(row) {
      const values = { phone: row.phone, owner_id: row.ownerId, code_hash: row.codeHash, set_at: row.setAt };
      await db
        .insertInto('rescue_codes')
        .values(values)
        .onConflict((oc) => oc.column('phone').doUpdateSet({ owner_id: values.owner_id, code_hash: values.code_hash, set_at: values.set_at }))
        .execute();
    },

    async findCode(phone) {
      const row = await db.selectFrom('rescue_codes').selectAll().where('phone', '=', phone).executeTakeFirst();
      return row && { phone: row.phone, ownerId: row.owner_id, codeHash: row.code_hash, setAt: row.set_at };
    },

    async findAttempt(key) {
      const row = await db.selectFrom('rescue_attempts').selectAll().where('key', '=', key).executeTakeFirst();
      return row && toAttempt(row);
    },

    async changeAttempt(key, change) {
      return db.transaction().execute(async (trx) => {
        // Make sure a row exists to lock, then read it under the lock (PostgreSQL) or the SQLite write transaction.
        await trx
          .insertInto('rescue_attempts')
          .values({ key, failures: 0, locked_until: null, last_failure_at: null })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        const current = await trx
          .selectFrom('rescue_attempts')
          .selectAll()
          .where('key', '=', key)
          .$if(engine.rowLocks, (qb) => qb.forUpdate())
          .executeTakeFirstOrThrow();
        const next = change(toAttempt(current));
        await trx
          .updateTable('rescue_attempts')
          .set({ failures: next.failures, locked_until: next.lockedUntil, last_failure_at: next.lastFailureAt })
          .where('key', '=', key)
          .execute();
        return { ...next, key };
      });
    },

    async deleteAttempt(key) {
      await db.deleteFrom('rescue_attempts').where('key', '=', key).execute();
    },

    async deleteStaleAttempts(before, now) {
      const result = await db
        .deleteFrom('rescue_attempts')
        .where((eb) => eb.or([eb('last_failure_at', 'is', null), eb('last_failure_at', '<', before)]))
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toAttempt(row: RescueAttemptsTable): RescueAttemptRow {
  return { key: row.key, failures: row.failures, lockedUntil: row.locked_until, lastFailureAt: row.last_failure_at };
}
