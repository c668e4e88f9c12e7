import { type Engine, tablesOf } from '@phonesafe/server-kit';
import type { RescueAuditRepo } from './rescue-repo.ts';
import type { RescueTables } from './rescue-tables.ts';

export function rescueAuditQueries(engine: Engine): RescueAuditRepo {
  const db = tablesOf<RescueTables>(engine);
  return {
    async append(row) {
      await db
        .insertInto('rescue_audit')
        .values({ owner_id: row.ownerId, phone: row.phone, rescue_id: row.rescueId, event: row.event, detail: row.detail, at: row.at })
        .execute();
    },

    /** In the order recorded (the identity column), which is the order things happened. */
    async list(ownerId, phone) {
      const rows = await db
        .selectFrom('rescue_audit')
        .select(['owner_id', 'phone', 'rescue_id', 'event', 'detail', 'at'])
        .where('owner_id', '=', ownerId)
        .where('phone', '=', phone)
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        ownerId: row.owner_id,
        phone: row.phone,
        rescueId: row.rescue_id,
        event: row.event,
        detail: row.detail,
        at: row.at,
      }));
    },
  };
}
