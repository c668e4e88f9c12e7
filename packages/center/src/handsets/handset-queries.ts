/** The handsets' port (handset-repo.ts) over Kysely. */
import type { Kysely } from 'kysely';
import { type Engine, insertUnique, tablesOf } from '@phonesafe/server-kit';
import type { HandsetRepo, HandsetRow } from './handset-repo.ts';
import type { HandsetsTable, HandsetTables } from './handset-tables.ts';

export function handsetQueries(engine: Engine): HandsetRepo {
  const db = tablesOf<HandsetTables>(engine);
  return { ...lookups(db), ...writes(engine, db) };
}

function writes(engine: Engine, db: Kysely<HandsetTables>): Pick<HandsetRepo, 'create' | 'touch' | 'revoke'> {
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

    async touch(id, at) {
      await db.updateTable('handsets').set({ last_seen_at: at }).where('id', '=', id).execute();
    },

    async revoke(id, at) {
      const revoked = await db
        .updateTable('handsets')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(revoked.numUpdatedRows) > 0;
    },
  };
}

function lookups(db: Kysely<HandsetTables>): Pick<HandsetRepo, 'findById' | 'findByName' | 'listByOwner' | 'newestByPhone'> {
  return {
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
