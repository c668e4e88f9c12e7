/**
 * The commit of a backup (wire-protocol.md, transfer rule 3): one transaction
 * that checks the end notice against what is stored and only then makes the
 * backup visible. Any refusal throws inside the transaction, so nothing of a
 * refused commit is written.
 */
import { PhoneSafeError, type PartRef } from '@phonesafe/protocol';
import type { Kysely } from 'kysely';
import { chunked, type Engine, inTransaction } from '@phonesafe/server-kit';
import type { BackupRow, CommitInput } from './backup-repo.ts';
import { selectBackups, toBackup } from './backup-rows.ts';
import type { BackupTables } from './backup-tables.ts';

type Db = Kysely<BackupTables>;

export async function commitBackup(engine: Engine, input: CommitInput): Promise<BackupRow> {
  const committed = await commitInTransaction(engine, input);
  // The handset deletes its sent copies on the completion notice: the commit
  // must reach the disk before the notice leaves.
  await engine.syncCommits();
  return committed;
}

function commitInTransaction(engine: Engine, input: CommitInput): Promise<BackupRow> {
  return inTransaction<BackupTables, BackupRow>(engine, async (trx) => {
    const backup = await trx
      .selectFrom('backups')
      .select('status')
      .where('id', '=', input.backupId)
      .where('owner_id', '=', input.ownerId)
      // A second end notice for the same backup waits here, then sees 'committed'.
      .$if(engine.rowLocks, (qb) => qb.forUpdate())
      .executeTakeFirst();
    if (!backup) throw new PhoneSafeError('NOT_FOUND', `no backup ${input.backupId}`);
    if (backup.status !== 'open') {
      throw new PhoneSafeError('BACKUP_NOT_OPEN', `backup ${input.backupId} is ${backup.status}`);
    }

    // The manifest is a part too: referencing it keeps prune away from it.
    const declared = [...input.parts, input.manifest];
    checkFilesUseDeclaredParts(input, declared);
    await checkPartsStored(engine, trx, input.ownerId, declared);

    const unique = new Map(declared.map((part) => [part.id, part]));
    for (const rows of chunked(input.files.map((file, seq) => ({ file, seq })))) {
      await trx
        .insertInto('backup_files')
        .values(
          rows.map(({ file, seq }) => ({
            backup_id: input.backupId,
            seq,
            ref: file.ref,
            size: file.size,
            parts: JSON.stringify(file.parts),
          })),
        )
        .execute();
    }
    for (const ids of chunked([...unique.keys()])) {
      await trx
        .insertInto('backup_parts')
        .values(ids.map((id) => ({ backup_id: input.backupId, part_id: id })))
        .execute();
    }
    await trx
      .updateTable('backups')
      .set({
        status: 'committed',
        committed_at: input.committedAt,
        file_count: input.files.length,
        stored_bytes: [...unique.values()].reduce((sum, part) => sum + part.size, 0),
        manifest_id: input.manifest.id,
        manifest_size: input.manifest.size,
        manifest_sha256: input.manifest.sha256,
      })
      .where('id', '=', input.backupId)
      .execute();
    return toBackup(await selectBackups(trx).where('b.id', '=', input.backupId).executeTakeFirstOrThrow());
  });
}

function checkFilesUseDeclaredParts(input: CommitInput, declared: PartRef[]): void {
  const ids = new Set(declared.map((part) => part.id));
  const unlisted = [...new Set(input.files.flatMap((file) => file.parts).filter((id) => !ids.has(id)))];
  if (unlisted.length > 0) {
    throw new PhoneSafeError('END_NOTICE_MISMATCH', 'files name parts the end notice does not list', {
      mismatched: unlisted,
    });
  }
}

/**
 * PART_MISSING for parts not stored (or damaged) for this owner; END_NOTICE_MISMATCH for
 * other size or hash. The rows are read FOR KEY SHARE: a prune deleting one
 * holds it FOR UPDATE, so this waits and then finds it gone, and a prune that
 * comes later waits for this commit and then sees its references
 * (part-prune.ts). Touches of `used_at` do not conflict with it.
 */
async function checkPartsStored(engine: Engine, trx: Db, ownerId: string, declared: PartRef[]): Promise<void> {
  const stored = new Map<string, { size: number; sha256: string; damaged: number }>();
  // Sorted, so two commits sharing parts take their locks in one order.
  for (const ids of chunked([...new Set(declared.map((part) => part.id))].sort())) {
    const rows = await trx
      .selectFrom('parts')
      .select(['id', 'size', 'sha256', 'damaged'])
      .where('owner_id', '=', ownerId)
      .where('id', 'in', ids)
      .$if(engine.rowLocks, (qb) => qb.forKeyShare())
      .execute();
    for (const row of rows) stored.set(row.id, row);
  }
  const missing = new Set<string>();
  const mismatched = new Set<string>();
  for (const part of declared) {
    const row = stored.get(part.id);
    // A damaged part is missing: no new generation may reference bytes known bad.
    if (!row || row.damaged === 1) missing.add(part.id);
    else if (row.size !== part.size || row.sha256 !== part.sha256) mismatched.add(part.id);
  }
  if (missing.size > 0) {
    throw new PhoneSafeError('PART_MISSING', `${missing.size} parts are not stored`, { missing: [...missing] });
  }
  if (mismatched.size > 0) {
    throw new PhoneSafeError('END_NOTICE_MISMATCH', `${mismatched.size} parts differ from what is stored`, {
      mismatched: [...mismatched],
    });
  }
}
