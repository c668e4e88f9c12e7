/** The history's port (history-repo.ts) over Kysely. */
import { type Engine, tablesOf } from '@phonesafe/server-kit';
import type { HistoryRepo } from './history-repo.ts';
import type { HistoryTables } from './history-tables.ts';

/** Default page of `list`, so an old owner's history does not come back whole. */
const DEFAULT_LIMIT = 100;

export function historyQueries(engine: Engine): HistoryRepo {
  const db = tablesOf<HistoryTables>(engine);
  return {
    async append(row) {
      await db
        .insertInto('history')
        .values({
          owner_id: row.ownerId,
          handset_id: row.handsetId,
          backup_id: row.backupId,
          event: row.event,
          detail: row.detail,
          at: row.at,
        })
        .execute();
    },

    /** Newest first; events at the same instant come back newest-appended first. */
    async list(ownerId, handsetId, limit = DEFAULT_LIMIT) {
      let query = db
        .selectFrom('history')
        .select(['at', 'owner_id', 'handset_id', 'backup_id', 'event', 'detail'])
        .where('owner_id', '=', ownerId);
      if (handsetId !== undefined) query = query.where('handset_id', '=', handsetId);
      const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map((row) => ({
        at: row.at,
        ownerId: row.owner_id,
        handsetId: row.handset_id,
        backupId: row.backup_id,
        event: row.event,
        detail: row.detail,
      }));
    },
  };
}
