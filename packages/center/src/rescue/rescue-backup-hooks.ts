/** The rescue desk's subscriptions to the backup lifecycle (backup/backup-hooks.ts): the save of a rescue (R2). */
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CommittedHook, StartHook } from '../backup/backup-hooks.ts';
import type { RescueTransfer } from './rescue-transfer.ts';

type Transfer = Pick<RescueTransfer, 'toSave' | 'attachBackup' | 'backupCommitted'>;

/**
 * With `rescueId` (and trigger `rescue`) the backup is the save of a rescue
 * (R2), which must be this handset's and not saved yet. Trigger `rescue`
 * always names its rescue: rescue saves are outside the owner's retention and
 * kept only until their rescue expires, so one with no rescue would never be
 * dropped.
 */
export function rescueStartHook(transfer: Transfer): StartHook {
  return {
    validate(request) {
      if (request.rescueId !== undefined && (request.trigger !== 'rescue' || request.jobId !== undefined)) {
        throw new PhoneSafeError('VALIDATION_FAILED', 'body.rescueId: a rescue save has trigger "rescue" and no jobId');
      }
      if (request.trigger === 'rescue' && request.rescueId === undefined) {
        throw new PhoneSafeError('VALIDATION_FAILED', 'body.rescueId: trigger "rescue" is the save of a rescue and must name it');
      }
    },
    async claim(handset, request) {
      if (request.rescueId === undefined) return undefined;
      const rescue = await transfer.toSave(handset, request.rescueId);
      // A lost handset's memory is saved whatever the quota: it is kept only for the rescue's retention period.
      return { outsideQuota: true, opened: (backupId) => transfer.attachBackup(rescue, backupId) };
    },
  };
}

/** The save committed: the rescue is saved, its control number valid (RescueTransfer.backupCommitted). */
export function rescueCommittedHook(transfer: Transfer): CommittedHook {
  return {
    // The save stays `saving`; the handset's next connection saves again.
    failure: 'could not complete the rescue of a committed backup',
    run: (backup) => transfer.backupCommitted({ id: backup.backupId, fileCount: backup.fileCount, committedAt: backup.committedAt }),
  };
}
