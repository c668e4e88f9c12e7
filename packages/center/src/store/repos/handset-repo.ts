import type { Engine } from '../engine.ts';
import { ACTIVE_JOB_STATES } from '../migrations/0002-jobs.ts';
import type { HandsetsTable } from '../schema.ts';
import type { HandsetRepo, HandsetRow } from '../store.ts';
import { insertUnique } from './unique.ts';

export function handsetRepo(engine: Engine): HandsetRepo {
  const { db } = engine;
  return {
    async create(row) {
      await insertUnique(engine, 'HANDSET_NAME_TAKEN', () =>
        db
          .insertInto('handsets')
          .values({
            id: row.id,
            owner_id: row.ownerId,
            name: row.name,
            credential_hash: row.credentialHash,
            enrolled_at: row.enrolledAt,
            last_seen_at: row.lastSeenAt,
            phone: row.phone,
            revoked_at: row.revokedAt,
          })
          .execute(),
      );
    },

    async findById(id) {
      const row = await db.selectFrom('handsets').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toHandset(row);
    },

    async findByName(ownerId, name) {
      const row = await db.selectFrom('handsets').selectAll().where('owner_id', '=', ownerId).where('name', '=', name).executeTakeFirst();
      return row && toHandset(row);
    },

    async listByOwner(ownerId) {
      const rows = await db
        .selectFrom('handsets')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('enrolled_at')
        .orderBy('id')
        .execute();
      return rows.map(toHandset);
    },

    async newestByPhone(phone) {
      const row = await db
        .selectFrom('handsets')
        .selectAll()
        .where('phone', '=', phone)
        .orderBy('enrolled_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      return row && toHandset(row);
    },

    async touch(id, at) {
      await db.updateTable('handsets').set({ last_seen_at: at }).where('id', '=', id).execute();
    },

    async revoke(id, at) {
      return db.transaction().execute(async (trx) => {
        const revoked = await trx
          .updateTable('handsets')
          .set({ revoked_at: at })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        // A schedule row the scheduler holds is waited for, so the job it may be making is seen and cancelled here.
        await trx.updateTable('schedules').set({ spec: null, next_run_at: null, updated_at: at }).where('handset_id', '=', id).execute();
        await trx
          .updateTable('jobs')
          .set({ status: 'cancelled', answer_by: null, run_deadline: null, updated_at: at })
          .where('handset_id', '=', id)
          .where('status', 'in', ACTIVE_JOB_STATES)
          .execute();
        return Number(revoked.numUpdatedRows) > 0;
      });
    },
  };
}

function toHandset(row: HandsetsTable): HandsetRow {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    credentialHash: row.credential_hash,
    enrolledAt: row.enrolled_at,
    lastSeenAt: row.last_seen_at,
    phone: row.phone,
    revokedAt: row.revoked_at,
  };
}
