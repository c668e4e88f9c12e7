/** The notices' port (notice-repo.ts) over Kysely. */
import { type Engine, tablesOf } from '@phonesafe/server-kit';
import type { NoticeRepo } from './notice-repo.ts';
import type { NoticeTables } from './notice-tables.ts';

const DEFAULT_LIMIT = 100;

export function noticeQueries(engine: Engine): NoticeRepo {
  const db = tablesOf<NoticeTables>(engine);
  return {
    async add(row) {
      await db
        .insertInto('notices')
        .values({ id: row.id, owner_id: row.ownerId, handset_id: row.handsetId, kind: row.kind, message: row.message, at: row.at })
        .execute();
    },

    async lastAt(ownerId, kind) {
      const row = await db
        .selectFrom('notices')
        .select((eb) => eb.fn.max('at').as('last'))
        .where('owner_id', '=', ownerId)
        .where('kind', '=', kind)
        .executeTakeFirst();
      return row?.last ?? undefined;
    },

    async list(ownerId, handsetId, limit = DEFAULT_LIMIT) {
      let query = db
        .selectFrom('notices as n')
        .leftJoin('handsets as h', 'h.id', 'n.handset_id')
        .select(['n.id', 'n.owner_id', 'n.handset_id', 'n.kind', 'n.message', 'n.at', 'h.name'])
        .where('n.owner_id', '=', ownerId);
      if (handsetId !== undefined) query = query.where('n.handset_id', '=', handsetId);
      const rows = await query.orderBy('n.at', 'desc').orderBy('n.id').limit(limit).execute();
      return rows.map((row) => ({
        id: row.id,
        ownerId: row.owner_id,
        handsetId: row.handset_id,
        kind: row.kind,
        message: row.message,
        at: row.at,
        handsetName: row.name,
      }));
    },
  };
}
