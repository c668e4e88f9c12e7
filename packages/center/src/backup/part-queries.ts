/** The stored parts' port (part-repo.ts) over Kysely. */
import { PhoneSafeError } from '@phonesafe/protocol';
import { sql, type Kysely } from 'kysely';
import { chunked, type Engine, tablesOf } from '@phonesafe/server-kit';
import type { BackupTables } from './backup-tables.ts';
import { removeIfUnreferenced } from './part-prune.ts';
import { packQueries } from './pack-queries.ts';
import type { PartRepo, StoredPart } from './part-repo.ts';
import { STORED, toStored } from './part-row.ts';

type Db = Kysely<BackupTables>;

export function partQueries(engine: Engine): PartRepo {
  const db = tablesOf<BackupTables>(engine);
  return {
    ...recording(db),
    ...damage(db),
    ...listing(db),
    ...packQueries(engine),
    listReferencedUnrecorded: (limit) => listReferencedUnrecorded(db, limit),
    removeIfUnreferenced: (ownerId, id, olderThan) => removeIfUnreferenced(engine, ownerId, id, olderThan),
  };
}

function recording(db: Db): Pick<PartRepo, 'findStored' | 'find' | 'record' | 'touch' | 'remove'> {
  const find = async (ownerId: string, id: string) => {
    const row = await db.selectFrom('parts').select(STORED).where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
    return row && toStored(row);
  };
  return {
    async findStored(ownerId, ids) {
      const found: StoredPart[] = [];
      for (const chunk of chunked([...new Set(ids)])) {
        const rows = await db.selectFrom('parts').select(STORED).where('owner_id', '=', ownerId).where('id', 'in', chunk).execute();
        found.push(...rows.map(toStored));
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

    async touch(ownerId, ids, staleBefore, now) {
      // Sorted, so concurrent touches of overlapping ids lock rows in one order.
      for (const chunk of chunked([...new Set(ids)].sort())) {
        await db
          .updateTable('parts')
          .set({ used_at: now })
          .where('owner_id', '=', ownerId)
          .where('id', 'in', chunk)
          .where(sql<boolean>`coalesce(used_at, created_at) < ${staleBefore}`)
          .execute();
      }
    },

    async remove(ownerId, id) {
      await db.deleteFrom('parts').where('owner_id', '=', ownerId).where('id', '=', id).execute();
    },
  };
}

function listing(db: Db): Pick<PartRepo, 'totalBytes' | 'countAll' | 'listUnreferenced' | 'listAll'> {
  return {
    async countAll() {
      const row = await db
        .selectFrom('parts')
        .select([sql<number | string>`count(*)`.as('parts'), sql<number | string>`coalesce(sum(size), 0)`.as('bytes')])
        .executeTakeFirstOrThrow();
      return { parts: Number(row.parts), bytes: Number(row.bytes) };
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

    async listUnreferenced(olderThan) {
      return db
        .selectFrom('parts as p')
        .select(['p.owner_id as ownerId', 'p.id as id'])
        .where('p.created_at', '<', olderThan)
        .where((eb) => eb.or([eb('p.used_at', 'is', null), eb('p.used_at', '<', olderThan)]))
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

    async listAll(afterKey, limit) {
      let query = db.selectFrom('parts').select(['owner_id as ownerId', ...STORED]);
      if (afterKey) {
        // Keyset paging on the primary key: stable while prune deletes rows between pages.
        query = query.where(({ eb, or, and }) =>
          or([eb('owner_id', '>', afterKey.ownerId), and([eb('owner_id', '=', afterKey.ownerId), eb('id', '>', afterKey.id)])]),
        );
      }
      const rows = await query.orderBy('owner_id').orderBy('id').limit(limit).execute();
      return rows.map((row) => ({ ownerId: row.ownerId, ...toStored(row) }));
    },
  };
}

/** What verify and reads mark, and the repair of a damaged part. */
function damage(db: Db): Pick<PartRepo, 'markDamaged' | 'clearDamaged' | 'repair'> {
  return {
    async markDamaged(ownerId, id, sha256) {
      const result = await db
        .updateTable('parts')
        .set({ damaged: 1 })
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('sha256', '=', sha256)
        .where('damaged', '=', 0)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async clearDamaged(ownerId, id, sha256) {
      const result = await db
        .updateTable('parts')
        .set({ damaged: 0 })
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('sha256', '=', sha256)
        .where('damaged', '=', 1)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async repair(ownerId, damagedSha256, part, at) {
      const result = await db
        .updateTable('parts')
        .set({ size: part.size, sha256: part.sha256, damaged: 0, used_at: at, pack_id: null, pack_offset: null })
        .where('owner_id', '=', ownerId)
        .where('id', '=', part.id)
        .where('sha256', '=', damagedSha256)
        .where('damaged', '=', 1)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

/** PartRepo.listReferencedUnrecorded, for verify. */
function listReferencedUnrecorded(db: Db, limit: number) {
  return db
    .selectFrom('backup_parts as bp')
    .innerJoin('backups as b', 'b.id', 'bp.backup_id')
    .select(['b.owner_id as ownerId', 'bp.part_id as id', (eb) => eb.fn.min('bp.backup_id').as('backupId')])
    .where('b.status', '=', 'committed')
    .where(({ not, exists, selectFrom, lit }) =>
      not(
        exists(
          selectFrom('parts as p').select(lit(1).as('one')).whereRef('p.owner_id', '=', 'b.owner_id').whereRef('p.id', '=', 'bp.part_id'),
        ),
      ),
    )
    .groupBy(['b.owner_id', 'bp.part_id'])
    .orderBy('b.owner_id')
    .orderBy('bp.part_id')
    .limit(limit)
    .execute();
}
