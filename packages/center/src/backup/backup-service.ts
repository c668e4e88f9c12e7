import {
  PhoneSafeError,
  type BackupDetail,
  type BackupSummary,
  type Clock,
  type CompletionNotice,
  type DataKind,
  type EndNotice,
} from '@phonesafe/protocol';
import type { Caller, HandsetCaller } from '../auth/caller.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobService } from '../jobs/job-service.ts';
import type { RescueTransfer } from '../rescue/rescue-transfer.ts';
import type { BackupRepo, HandsetRepo, HistoryRepo } from '../store/store.ts';
import { deleteBackup, isCommitted, loadCommittedBackup, loadHandsetBackup, toSummary } from './backup-records.ts';

/** Applies the retention policy to one handset's committed backups. */
export type ApplyRetention = (scope: { ownerId: string; handsetId: string }) => Promise<unknown>;

export interface BackupServiceDeps {
  backups: BackupRepo;
  handsets: Pick<HandsetRepo, 'findByName'>;
  history: Pick<HistoryRepo, 'append'>;
  applyRetention: ApplyRetention;
  clock: Clock;
  log: Logger;
  maxPartBytes: number;
  /** B4: throws QUOTA_EXCEEDED (and tells the owner) when the owner may not store more. */
  checkQuota: (handset: HandsetCaller) => Promise<void>;
  jobs: Pick<JobService, 'runningJob' | 'fail' | 'attachBackup' | 'backupCommitted'>;
  rescues: Pick<RescueTransfer, 'toSave' | 'attachBackup' | 'backupCommitted'>;
}

export interface StartInput {
  kinds: DataKind[];
  complete?: DataKind[] | undefined;
  trigger: string;
  jobId?: string | undefined;
  rescueId?: string | undefined;
}

export class BackupService {
  readonly #deps: BackupServiceDeps;

  constructor(deps: BackupServiceDeps) {
    this.#deps = deps;
  }

  /**
   * With `jobId` the backup answers a center-initiated job (B3), which must be
   * this handset's and running; with `rescueId` (and trigger `rescue`) it is
   * the save of a rescue (R2), which must be this handset's and not saved yet.
   * Trigger `rescue` always names its rescue: rescue saves are outside the
   * owner's retention and kept only until their rescue expires, so one with
   * no rescue would never be dropped.
   */
  async start(handset: HandsetCaller, request: StartInput) {
    if (request.rescueId !== undefined && (request.trigger !== 'rescue' || request.jobId !== undefined)) {
      throw new PhoneSafeError('VALIDATION_FAILED', 'body.rescueId: a rescue save has trigger "rescue" and no jobId');
    }
    if (request.trigger === 'rescue' && request.rescueId === undefined) {
      throw new PhoneSafeError('VALIDATION_FAILED', 'body.rescueId: trigger "rescue" is the save of a rescue and must name it');
    }
    const stray = request.complete?.find((kind) => !request.kinds.includes(kind));
    if (stray) throw new PhoneSafeError('VALIDATION_FAILED', `body.complete: ${stray} is not one of the backup's kinds`);
    const job = request.jobId === undefined ? undefined : await this.#deps.jobs.runningJob(handset.handsetId, request.jobId);
    const rescue = request.rescueId === undefined ? undefined : await this.#deps.rescues.toSave(handset, request.rescueId);
    try {
      // A lost handset's memory is saved whatever the quota: it is kept only for the rescue's retention period.
      if (!rescue) await this.#deps.checkQuota(handset);
    } catch (error) {
      // The handset said OK but the center cannot take the data: an NG for the job, retried per its policy.
      if (job && error instanceof PhoneSafeError && error.code === 'QUOTA_EXCEEDED') await this.#deps.jobs.fail(job, 'over-quota');
      throw error;
    }
    const backupId = newId();
    await this.#deps.backups.open({
      id: backupId,
      ownerId: handset.ownerId,
      handsetId: handset.handsetId,
      handsetName: handset.handsetName,
      kinds: request.kinds,
      complete: request.complete ? [...new Set(request.complete)].sort() : null,
      trigger: request.trigger,
      status: 'open',
      startedAt: this.#deps.clock.now().toISOString(),
      committedAt: null,
      fileCount: 0,
      storedBytes: 0,
      manifest: null,
    });
    if (job) await this.#deps.jobs.attachBackup(job, backupId);
    if (rescue) await this.#deps.rescues.attachBackup(rescue, backupId);
    return { backupId, status: 'open' as const, maxPartBytes: this.#deps.maxPartBytes };
  }

  /**
   * B5 end notice. The store checks, in one transaction, that every named part
   * is stored with that size and hash; the file sizes are checked here first.
   * Retention runs after the commit and cannot undo it: a failure there is
   * logged, not answered, or the handset would retry a committed backup.
   */
  async end(handset: HandsetCaller, backupId: string, notice: EndNotice): Promise<CompletionNotice> {
    await loadHandsetBackup(this.#deps.backups, handset, backupId);
    checkFileSizes(notice);
    const committed = await this.#deps.backups.commit({
      backupId,
      ownerId: handset.ownerId,
      committedAt: this.#deps.clock.now().toISOString(),
      manifest: notice.manifest,
      parts: notice.parts,
      files: notice.files,
    });
    if (!isCommitted(committed)) throw new Error(`store answered an uncommitted backup ${backupId} after commit`);
    await this.#deps.history.append({
      at: committed.committedAt,
      ownerId: handset.ownerId,
      handsetId: handset.handsetId,
      backupId,
      event: 'backup-committed',
      detail: `${committed.fileCount} files, ${committed.storedBytes} bytes stored`,
    });
    try {
      await this.#deps.jobs.backupCommitted(backupId);
    } catch (error) {
      this.#deps.log.error({ err: error, backupId }, 'could not close the job of a committed backup');
    }
    try {
      await this.#deps.rescues.backupCommitted({ id: backupId, fileCount: committed.fileCount, committedAt: committed.committedAt });
    } catch (error) {
      // The save stays `saving`; the handset's next connection saves again.
      this.#deps.log.error({ err: error, backupId }, 'could not complete the rescue of a committed backup');
    }
    try {
      await this.#deps.applyRetention({ ownerId: handset.ownerId, handsetId: handset.handsetId });
    } catch (error) {
      this.#deps.log.error({ err: error, backupId }, 'retention failed after commit');
    }
    return {
      backupId,
      status: 'committed',
      committedAt: committed.committedAt,
      fileCount: committed.fileCount,
      storedBytes: committed.storedBytes,
      files: notice.files.map((file) => ({ ref: file.ref, size: file.size })),
    };
  }

  /** Committed backups of the caller's owner, newest first, optionally of one handset by name. */
  async list(caller: Caller, handsetName?: string): Promise<{ backups: BackupSummary[] }> {
    let handsetId: string | undefined;
    if (handsetName !== undefined) {
      const handset = await this.#deps.handsets.findByName(caller.ownerId, handsetName);
      if (!handset) throw new PhoneSafeError('NOT_FOUND', `no handset named ${handsetName}`);
      handsetId = handset.id;
    }
    const rows = await this.#deps.backups.listCommitted(caller.ownerId, handsetId);
    return { backups: rows.filter(isCommitted).map(toSummary) };
  }

  async detail(caller: Caller, backupId: string): Promise<BackupDetail> {
    const backup = await loadCommittedBackup(this.#deps.backups, caller.ownerId, backupId);
    const [files, parts] = await Promise.all([this.#deps.backups.files(backupId), this.#deps.backups.parts(backupId)]);
    return { ...toSummary(backup), files, parts };
  }

  async remove(ownerId: string, backupId: string): Promise<void> {
    const backup = await loadCommittedBackup(this.#deps.backups, ownerId, backupId);
    await deleteBackup(this.#deps, backup, this.#deps.clock.now().toISOString(), 'deleted by the owner');
  }
}

/** Wire rule 3: each file's size is the sum of its parts' sizes as the notice declares them. */
function checkFileSizes(notice: EndNotice): void {
  const sizes = new Map([notice.manifest, ...notice.parts].map((part) => [part.id, part.size]));
  const wrong = notice.files.filter((file) => {
    let sum = 0;
    for (const id of file.parts) sum += sizes.get(id) ?? Number.NaN;
    return sum !== file.size;
  });
  if (wrong.length > 0) {
    throw new PhoneSafeError('END_NOTICE_MISMATCH', `${wrong.length} files do not add up to their parts`, {
      files: wrong.map((file) => file.ref),
    });
  }
}
