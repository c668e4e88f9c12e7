/**
 * The part rows of packs (storage-format.md, "Packs"), over Kysely: a pack's
 * rows are inserted in one transaction after the pack is durable, and rows
 * name a pack only from that transaction or a repack's move, so a pack no
 * row names stays unnamed.
 */
import { type Kysely } from 'kysely';
import { chunked, type Engine, inTransaction, tablesOf } from '@phonesafe/server-kit';
import type { BackupTables } from './backup-tables.ts';
import type { PartRepo } from './part-repo.ts';
import { STORED, toStored } from './part-row.ts';

type PackRepo = Pick<PartRepo, 'recordPacked' | 'listPackParts' | 'listPacks' | 'packsNamed' | 'movePacked' | 'backupsReferencing'>;

/** Rows per insert statement: 7 values each, 3,500 parameters, well under SQLite's 32,766. */
const INSERT_CHUNK = 500;

export function packQueries(engine: Engine): PackRepo {
  return { ...packWrites(engine), ...packReads(tablesOf<BackupTables>(engine)) };
}

/** Both writes run in one transaction each. */
function packWrites(engine: Engine): Pick<PackRepo, 'recordPacked' | 'movePacked'> {
  return {
    recordPacked: (ownerId, packId, parts, createdAt) =>
      inTransaction<BackupTables, Set<string>>(engine, async (trx) => {
        const inserted = new Set<string>();
        for (const chunk of chunked(parts, INSERT_CHUNK)) {
          const rows = await trx
            .insertInto('parts')
            .values(
              chunk.map((p) => ({
                owner_id: ownerId,
                id: p.id,
                size: p.size,
                sha256: p.sha256,
                created_at: createdAt,
                pack_id: packId,
                pack_offset: p.offset,
              })),
            )
            .onConflict((oc) => oc.columns(['owner_id', 'id']).doNothing())
            .returning('id')
            .execute();
          for (const row of rows) inserted.add(row.id);
        }
        return inserted;
      }),

    movePacked: (ownerId, from, to, parts) =>
      inTransaction<BackupTables, number>(engine, async (trx) => {
        let moved = 0;
        for (const part of parts) {
          const result = await trx
            .updateTable('parts')
            .set({ pack_id: to, pack_offset: part.offset })
            .where('owner_id', '=', ownerId)
            .where('id', '=', part.id)
            .where('pack_id', '=', from)
            .where('sha256', '=', part.sha256)
            .executeTakeFirst();
          moved += Number(result.numUpdatedRows);
        }
        return moved;
      }),
  };
}

function packReads(db: Kysely<BackupTables>): Omit<PackRepo, 'recordPacked' | 'movePacked'> {
  return {
    async listPackParts(ownerId, packId) {
      const rows = await db
        .selectFrom('parts')
        .select(STORED)
        .where('owner_id', '=', ownerId)
        .where('pack_id', '=', packId)
        .orderBy('pack_offset')
        .execute();
      return rows.map(toStored);
    },

    listPacks: (after, limit) => listPacks(db, after, limit),

    async packsNamed(ownerId, packIds) {
      const named = new Set<string>();
      for (const chunk of chunked([...packIds])) {
        const rows = await db
          .selectFrom('parts')
          .select('pack_id')
          .distinct()
          .where('owner_id', '=', ownerId)
          .where('pack_id', 'in', chunk)
          .execute();
        for (const row of rows) if (row.pack_id !== null) named.add(row.pack_id);
      }
      return named;
    },

    async backupsReferencing(ownerId, id, limit) {
      const rows = await db
        .selectFrom('backup_parts as bp')
        .innerJoin('backups as b', 'b.id', 'bp.backup_id')
        .select('b.id')
        .where('b.owner_id', '=', ownerId)
        .where('bp.part_id', '=', id)
        .where('b.status', '=', 'committed')
        .orderBy('b.id')
        .limit(limit)
        .execute();
      return rows.map((row) => row.id);
    },
  };
}

function listPacks(db: Kysely<BackupTables>, after: { ownerId: string; packId: string } | null, limit: number) {
  let query = db.selectFrom('parts').select(['owner_id as ownerId', 'pack_id as packId']).distinct().where('pack_id', 'is not', null);
  if (after) {
    query = query.where(({ eb, or, and }) =>
      or([eb('owner_id', '>', after.ownerId), and([eb('owner_id', '=', after.ownerId), eb('pack_id', '>', after.packId)])]),
    );
  }
  return query
    .orderBy('owner_id')
    .orderBy('pack_id')
    .limit(limit)
    .execute()
    .then((rows) => rows.map((row) => ({ ownerId: row.ownerId, packId: row.packId! })));
}
