import { type Engine, tablesOf } from '@phonesafe/server-kit';
import type { RescueCodeRepo } from './rescue-repo.ts';
import type { RescueTables } from './rescue-tables.ts';

export function rescueCodeQueries(engine: Engine): RescueCodeRepo {
  const db = tablesOf<RescueTables>(engine);
  return {
    async putCode(row) {
      const values = { phone: row.phone, owner_id: row.ownerId, code_hash: row.codeHash, set_at: row.setAt };
      await db
        .insertInto('rescue_codes')
        .values(values)
        .onConflict((oc) =>
          oc.column('phone').doUpdateSet({ owner_id: values.owner_id, code_hash: values.code_hash, set_at: values.set_at }),
        )
        .execute();
    },

    async findCode(phone) {
      const row = await db.selectFrom('rescue_codes').selectAll().where('phone', '=', phone).executeTakeFirst();
      return row && { phone: row.phone, ownerId: row.owner_id, codeHash: row.code_hash, setAt: row.set_at };
    },
  };
}
