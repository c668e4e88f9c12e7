/** The restore orders' port (restore-repo.ts) over Kysely. */
import type { DataKind } from '@phonesafe/protocol';
import type { Kysely } from 'kysely';
import { type Engine, tablesOf } from '@phonesafe/server-kit';
import type { RestoreRepo, RestoreRow, RestoreUpdate } from './restore-repo.ts';
import type { RestoresTable, RestoreTables } from './restore-tables.ts';

type Db = Kysely<RestoreTables>;

export function restoreQueries(engine: Engine): RestoreRepo {
  const db = tablesOf<RestoreTables>(engine);
  return { ...orders(db), ...changes(db) };
}

function orders(db: Db): Pick<RestoreRepo, 'create' | 'find' | 'listPending' | 'listByOwner'> {
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
          attempts: row.attempts,
          last_code: row.lastCode,
          next_try_at: row.nextTryAt,
        })
        .execute();
    },

    async find(ownerId, id) {
      const row = await db.selectFrom('restores').selectAll().where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
      return row && toRestore(row);
    },

    /** Oldest first: a handset applies restores in the order they were asked for. */
    async listPending(handsetId, now) {
      const rows = await db
        .selectFrom('restores')
        .selectAll()
        .where('handset_id', '=', handsetId)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('next_try_at', 'is', null), eb('next_try_at', '<=', now)]))
        .orderBy('requested_at')
        .orderBy('id')
        .execute();
      return rows.map(toRestore);
    },

    async listByOwner(ownerId, limit = 200) {
      const rows = await db
        .selectFrom('restores')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('requested_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRestore);
    },
  };
}

function changes(db: Db): Pick<RestoreRepo, 'complete' | 'transition'> {
  return {
    async complete(id, at) {
      const result = await db
        .updateTable('restores')
        .set({ status: 'completed', completed_at: at, next_try_at: null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async transition(match, update) {
      const result = await db
        .updateTable('restores')
        .set(columnsOf(update))
        .where('id', '=', match.id)
        .where('status', '=', match.status)
        .where('attempts', '=', match.attempts)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      const row = await db.selectFrom('restores').selectAll().where('id', '=', match.id).executeTakeFirst();
      return row && toRestore(row);
    },
  };
}

function columnsOf(update: RestoreUpdate): Partial<RestoresTable> {
  return {
    ...(update.status !== undefined ? { status: update.status } : {}),
    ...(update.attempts !== undefined ? { attempts: update.attempts } : {}),
    ...(update.lastCode !== undefined ? { last_code: update.lastCode } : {}),
    ...(update.nextTryAt !== undefined ? { next_try_at: update.nextTryAt } : {}),
    ...(update.completedAt !== undefined ? { completed_at: update.completedAt } : {}),
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
    attempts: Number(row.attempts),
    lastCode: row.last_code,
    nextTryAt: row.next_try_at,
  };
}
