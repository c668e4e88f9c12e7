/**
 * Prune's delete of one part (PartRepo.removeIfUnreferenced), the half of
 * the prune/commit exclusion that prune keeps (storage-format.md). The
 * commit reads its parts FOR KEY SHARE; this locks the row FOR UPDATE, which
 * waits for such a commit and makes a later one wait, then looks for
 * references in a new statement: under READ COMMITTED that statement sees
 * every commit that finished before the lock was granted. SQLite runs one
 * write transaction at a time, across processes (server-kit's sqlite-database.ts).
 */
import type { PartRef } from '@phonesafe/protocol';
import { type Engine, inTransaction } from '@phonesafe/server-kit';
import type { BackupTables } from './backup-tables.ts';

export function removeIfUnreferenced(
  engine: Engine,
  ownerId: string,
  id: string,
  olderThan: string,
): Promise<(PartRef & { packId: string | null }) | undefined> {
  return inTransaction<BackupTables, (PartRef & { packId: string | null }) | undefined>(engine, async (trx) => {
    const row = await trx
      .selectFrom('parts')
      .select(['id', 'size', 'sha256', 'created_at', 'used_at', 'pack_id'])
      .where('owner_id', '=', ownerId)
      .where('id', '=', id)
      .$if(engine.rowLocks, (qb) => qb.forUpdate())
      .executeTakeFirst();
    if (!row || row.created_at >= olderThan || (row.used_at !== null && row.used_at >= olderThan)) return undefined;
    const referenced = await trx
      .selectFrom('backup_parts as bp')
      .innerJoin('backups as b', 'b.id', 'bp.backup_id')
      .select('bp.backup_id')
      .where('bp.part_id', '=', id)
      .where('b.owner_id', '=', ownerId)
      .limit(1)
      .executeTakeFirst();
    if (referenced) return undefined;
    await trx.deleteFrom('parts').where('owner_id', '=', ownerId).where('id', '=', id).execute();
    return { id: row.id, size: row.size, sha256: row.sha256, packId: row.pack_id };
  });
}
