import { PhoneSafeError, type PartRef } from '@phonesafe/protocol';
import { sql } from 'kysely';
import type { Engine } from '../engine.ts';
import type { PartRepo } from '../store.ts';
import { chunked } from './chunked.ts';

export function partRepo(engine: Engine): PartRepo {
  const { db } = engine;
  const find = (ownerId: string, id: string) =>
    db
      .selectFrom('parts')
      .select(['id', 'size', 'sha256'])
      .where('owner_id', '=', ownerId)
      .where('id', '=', id)
      .executeTakeFirst();
  return {
    async findStored(ownerId, ids) {
      const found: PartRef[] = [];
      for (const chunk of chunked([...new Set(ids)])) {
        found.push(
          ...(await db
            .selectFrom('parts')
            .select(['id', 'size', 'sha256'])
            .where('owner_id', '=', ownerId)
            .where('id', 'in', chunk)
            .execute()),
        );
      }
      return found;
    },

    find,

    async record(ownerId, part, createdAt) {
      // Insert-or-ignore, then look: two uploads of one part may race, and
      // both must end with one row and an answer that tells the truth.
      const inserted = await db
        .insertInto('parts')
        .values({ owner_id: ownerId, id: part.id, size: part.size, sha256: part.sha256, created_at: createdAt })
        .onConflict((oc) => oc.columns(['owner_id', 'id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return 'new';
      const existing = await find(ownerId, part.id);
      if (existing?.sha256 !== part.sha256) {
        throw new PhoneSafeError('PART_CONFLICT', `part ${part.id} is stored with other bytes`, { id: part.id });
      }
      return 'existing';
    },

    async listUnreferenced(olderThan) {
      return db
        .selectFrom('parts as p')
        .select(['p.owner_id as ownerId', 'p.id as id'])
        .where('p.created_at', '<', olderThan)
        .where(({ not, exists, selectFrom, lit }) =>
          not(
            exists(
              selectFrom('backup_parts as bp')
                .innerJoin('backups as b', 'b.id', 'bp.backup_id')
                .select(lit(1).as('one'))
                .whereRef('bp.part_id', '=', 'p.id')
                .whereRef('b.owner_id', '=', 'p.owner_id'),
            ),
          ),
        )
        .orderBy('p.owner_id')
        .orderBy('p.id')
        .execute();
    },

    async remove(ownerId, id) {
      await db.deleteFrom('parts').where('owner_id', '=', ownerId).where('id', '=', id).execute();
    },

    async listAll(afterKey, limit) {
      let query = db.selectFrom('parts').select(['owner_id as ownerId', 'id', 'size', 'sha256']);
      if (afterKey) {
        // Keyset paging on the primary key: stable while prune deletes rows between pages.
        query = query.where(({ eb, or, and }) =>
          or([
            eb('owner_id', '>', afterKey.ownerId),
            and([eb('owner_id', '=', afterKey.ownerId), eb('id', '>', afterKey.id)]),
          ]),
        );
      }
      return query.orderBy('owner_id').orderBy('id').limit(limit).execute();
    },

    async totalBytes(ownerId) {
      const row = await db
        .selectFrom('parts')
        .select(sql<number | string>`coalesce(sum(size), 0)`.as('total'))
        .where('owner_id', '=', ownerId)
        .executeTakeFirstOrThrow();
      // PostgreSQL's sum(bigint) is numeric, which pg hands over as a string.
      return Number(row.total);
    },
  };
}
