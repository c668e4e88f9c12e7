/**
 * Loading and deleting backups the way every service must: scoped to the
 * caller's owner, and answering NOT_FOUND for anything not visible to it (an
 * id of another owner is indistinguishable from an unknown one).
 */
import { PhoneSafeError, type BackupSummary, type PartRef } from '@phonesafe/protocol';
import type { HandsetCaller } from '../auth/caller.ts';
import type { BackupRepo, BackupRow } from './backup-repo.ts';
import type { HistoryRepo } from '../history/history-repo.ts';

export type CommittedBackup = BackupRow & { status: 'committed'; committedAt: string; manifest: PartRef };

export function isCommitted(backup: BackupRow): backup is CommittedBackup {
  return backup.status === 'committed' && backup.committedAt !== null && backup.manifest !== null;
}

/** A committed backup of this owner; open backups are invisible (wire-protocol.md, transfer rule 1). */
export async function loadCommittedBackup(backups: Pick<BackupRepo, 'find'>, ownerId: string, backupId: string): Promise<CommittedBackup> {
  const backup = await backups.find(ownerId, backupId);
  if (!backup || !isCommitted(backup)) throw notFound(backupId);
  return backup;
}

/** A backup the calling handset started, in any state (the end notice checks it is still open). */
export async function loadHandsetBackup(backups: Pick<BackupRepo, 'find'>, handset: HandsetCaller, backupId: string): Promise<BackupRow> {
  const backup = await backups.find(handset.ownerId, backupId);
  if (!backup || backup.handsetId !== handset.handsetId) throw notFound(backupId);
  return backup;
}

/** Deletes the backup's rows (prune removes its blobs later) and records why. */
export async function deleteBackup(
  deps: { backups: Pick<BackupRepo, 'remove'>; history: Pick<HistoryRepo, 'append'> },
  backup: BackupRow,
  at: string,
  detail: string,
): Promise<void> {
  if (!(await deps.backups.remove(backup.ownerId, backup.id))) throw notFound(backup.id);
  await deps.history.append({
    at,
    ownerId: backup.ownerId,
    handsetId: backup.handsetId,
    backupId: backup.id,
    event: 'backup-deleted',
    detail,
  });
}

export function toSummary(backup: CommittedBackup): BackupSummary {
  return {
    backupId: backup.id,
    handsetId: backup.handsetId,
    handsetName: backup.handsetName,
    kinds: backup.kinds,
    trigger: backup.trigger,
    startedAt: backup.startedAt,
    committedAt: backup.committedAt,
    fileCount: backup.fileCount,
    storedBytes: backup.storedBytes,
    manifest: backup.manifest,
    keptAt: backup.keptAt,
  };
}

function notFound(backupId: string): PhoneSafeError {
  return new PhoneSafeError('NOT_FOUND', `no backup ${backupId}`);
}
