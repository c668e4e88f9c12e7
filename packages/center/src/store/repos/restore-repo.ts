import type { DataKind } from '@phonesafe/protocol';
import type { Engine } from '../engine.ts';
import type { RestoresTable } from '../schema.ts';
import type { RestoreRepo, RestoreRow } from '../store.ts';

export function restoreRepo(engine: Engine): RestoreRepo {
  const { db } = engine;
  return {
    async create(row) {
      await db
        .insertInto('restores')
        .values({
          id: row.id,
          owner_id: row.ownerId,
          backup_id: row.backupId,
          handset_id: row.handsetId,
          kinds: row.kinds === null ? null : JSON.stringify(row.kinds),
          delete_after: row.deleteAfter ? 1 : 0,
          overwrite: row.overwrite,
          placed_by: row.placedBy,
          status: row.status,
          requested_at: row.requestedAt,
          completed_at: row.completedAt,
        })
        .execute();
    },

    async find(ownerId, id) {
      const row = await db
        .selectFrom('restores')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRestore(row);
    },

    /** Oldest first: a handset applies restores in the order they were asked for. */
    async listPending(handsetId) {
      const rows = await db
        .selectFrom('restores')
        .selectAll()
        .where('handset_id', '=', handsetId)
        .where('status', '=', 'pending')
        .orderBy('requested_at')
        .orderBy('id')
        .execute();
      return rows.map(toRestore);
    },

    async complete(id, at) {
      await db
        .updateTable('restores')
        .set({ status: 'completed', completed_at: at })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },
  };
}

function toRestore(row: RestoresTable): RestoreRow {
  return {
    id: row.id,
    ownerId: row.owner_id,
    backupId: row.backup_id,
    handsetId: row.handset_id,
    kinds: row.kinds === null ? null : (JSON.parse(row.kinds) as DataKind[]),
    deleteAfter: row.delete_after !== 0,
    overwrite: row.overwrite,
    placedBy: row.placed_by,
    status: row.status,
    requestedAt: row.requested_at,
    completedAt: row.completed_at,
  };
}
