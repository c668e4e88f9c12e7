/** Reading backups: the one query and mapping that `find`, `list*` and `commit` share. */
import type { DataKind } from '@phonesafe/protocol';
import type { Kysely } from 'kysely';
import type { BackupRow } from './backup-repo.ts';
import type { BackupTables } from './backup-tables.ts';

type Db = Kysely<BackupTables>;

/** Backups joined with their handset's name. Takes a Kysely or a transaction. */
export function selectBackups(db: Db) {
  return db.selectFrom('backups as b').innerJoin('handsets as h', 'h.id', 'b.handset_id').selectAll('b').select('h.name as handset_name');
}

type SelectedBackup = Awaited<ReturnType<ReturnType<typeof selectBackups>['executeTakeFirstOrThrow']>>;

/** Deletes a backup's rows (not its blobs) inside the caller's transaction (`BackupRepo.remove`: delete, forget and rescue expiry). */
export async function deleteBackupRows(trx: Db, backupId: string): Promise<void> {
  await trx.deleteFrom('backup_files').where('backup_id', '=', backupId).execute();
  await trx.deleteFrom('backup_parts').where('backup_id', '=', backupId).execute();
  await trx.deleteFrom('backups').where('id', '=', backupId).execute();
}

export function toBackup(row: SelectedBackup): BackupRow {
  return {
    id: row.id,
    ownerId: row.owner_id,
    handsetId: row.handset_id,
    handsetName: row.handset_name,
    kinds: JSON.parse(row.kinds) as DataKind[],
    complete: row.complete_kinds === null ? null : (JSON.parse(row.complete_kinds) as DataKind[]),
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at,
    committedAt: row.committed_at,
    fileCount: row.file_count,
    storedBytes: row.stored_bytes,
    manifest:
      row.manifest_id !== null && row.manifest_size !== null && row.manifest_sha256 !== null
        ? { id: row.manifest_id, size: row.manifest_size, sha256: row.manifest_sha256 }
        : null,
    keptAt: row.kept_at ?? null,
  };
}
