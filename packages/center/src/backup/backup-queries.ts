/** The backups' port (backup-repo.ts) over Kysely. */
import type { Kysely } from 'kysely';
import { type Engine, inTransaction, tablesOf } from '@phonesafe/server-kit';
import { commitBackup } from './backup-commit.ts';
import type { BackupRepo } from './backup-repo.ts';
import { deleteBackupRows, selectBackups, toBackup } from './backup-rows.ts';
import type { BackupTables } from './backup-tables.ts';

type Db = Kysely<BackupTables>;

export function backupQueries(engine: Engine): BackupRepo {
  const db = tablesOf<BackupTables>(engine);
  return { ...reads(db), ...writes(engine, db) };
}

function reads(db: Db): Pick<BackupRepo, 'find' | 'listCommitted' | 'files' | 'parts' | 'listStaleOpen' | 'hasOpen'> {
  return {
    async find(ownerId, id) {
      const row = await selectBackups(db).where('b.owner_id', '=', ownerId).where('b.id', '=', id).executeTakeFirst();
      return row && toBackup(row);
    },

    async listCommitted(ownerId, handsetId) {
      let query = selectBackups(db).where('b.owner_id', '=', ownerId).where('b.status', '=', 'committed');
      if (handsetId !== undefined) query = query.where('b.handset_id', '=', handsetId);
      const rows = await query.orderBy('b.committed_at', 'desc').orderBy('b.id', 'desc').execute();
      return rows.map(toBackup);
    },

    async files(backupId) {
      const rows = await db
        .selectFrom('backup_files')
        .select(['ref', 'size', 'parts'])
        .where('backup_id', '=', backupId)
        .orderBy('seq')
        .execute();
      return rows.map((row) => ({ ref: row.ref, size: row.size, parts: JSON.parse(row.parts) as string[] }));
    },

    async parts(backupId) {
      return db
        .selectFrom('backup_parts as bp')
        .innerJoin('backups as b', 'b.id', 'bp.backup_id')
        .innerJoin('parts as p', (join) => join.onRef('p.owner_id', '=', 'b.owner_id').onRef('p.id', '=', 'bp.part_id'))
        .select(['p.id', 'p.size', 'p.sha256'])
        .where('bp.backup_id', '=', backupId)
        .orderBy('p.id')
        .execute();
    },

    async listStaleOpen(before) {
      const rows = await selectBackups(db)
        .where('b.status', '=', 'open')
        .where('b.started_at', '<', before)
        .orderBy('b.started_at')
        .execute();
      return rows.map(toBackup);
    },

    async hasOpen(handsetId, trigger) {
      const row = await db
        .selectFrom('backups')
        .select('id')
        .where('handset_id', '=', handsetId)
        .where('status', '=', 'open')
        .where('trigger', '=', trigger)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

function writes(engine: Engine, db: Db): Pick<BackupRepo, 'open' | 'commit' | 'remove' | 'setKept'> {
  return {
    async open(row) {
      await db
        .insertInto('backups')
        .values({
          id: row.id,
          owner_id: row.ownerId,
          handset_id: row.handsetId,
          kinds: JSON.stringify(row.kinds),
          complete_kinds: row.complete === null ? null : JSON.stringify(row.complete),
          trigger: row.trigger,
          status: 'open',
          started_at: row.startedAt,
          committed_at: null,
          file_count: 0,
          stored_bytes: 0,
        })
        .execute();
    },

    commit: (input) => commitBackup(engine, input),

    async setKept(ownerId, id, at) {
      const result = await db
        .updateTable('backups')
        .set({ kept_at: at })
        .where('owner_id', '=', ownerId)
        .where('id', '=', id)
        .where('status', '=', 'committed')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async remove(ownerId, id) {
      return inTransaction<BackupTables, boolean>(engine, async (trx) => {
        const owned = await trx.selectFrom('backups').select('id').where('owner_id', '=', ownerId).where('id', '=', id).executeTakeFirst();
        if (!owned) return false;
        await deleteBackupRows(trx, id);
        return true;
      });
    },
  };
}
