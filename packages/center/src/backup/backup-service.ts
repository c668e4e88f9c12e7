import {
  PhoneSafeError,
  type BackupDetail,
  type BackupSummary,
  type Clock,
  type CompletionNotice,
  type EndNotice,
  type ForgetResponse,
} from '@phonesafe/protocol';
import type { Caller, HandsetCaller } from '../auth/caller.ts';
import type { HandsetRepo } from '../handsets/handset-repo.ts';
import type { HistoryRepo } from '../history/history-repo.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logging/logger.ts';
import type { BackupHooks, StartClaim, StartInput } from './backup-hooks.ts';
import { deleteBackup, isCommitted, loadCommittedBackup, loadHandsetBackup, toSummary, type CommittedBackup } from './backup-records.ts';
import type { BackupRepo } from './backup-repo.ts';
import { forgetByPolicy, planForget } from './forget.ts';
import type { RetentionPolicy } from './retention.ts';

export type { StartInput };

export interface BackupServiceDeps {
  backups: BackupRepo;
  handsets: Pick<HandsetRepo, 'findByName'>;
  history: Pick<HistoryRepo, 'append'>;
  clock: Clock;
  log: Logger;
  maxPartBytes: number;
  /** B4: throws QUOTA_EXCEEDED (and tells the owner) when the owner may not store more. */
  checkQuota: (handset: HandsetCaller) => Promise<void>;
  /** Who hears of starts and commits (backup-hooks.ts): jobs, the rescue desk, retention. */
  hooks: Pick<BackupHooks, 'starting' | 'committed'>;
}

export class BackupService {
  readonly #deps: BackupServiceDeps;

  constructor(deps: BackupServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Opens a backup. The start hooks check and claim what the request names
   * (backup-hooks.ts): a center-initiated job (B3, `jobId`), the save of a
   * rescue (R2, `rescueId`); a claim outside the quota skips the quota check.
   */
  async start(handset: HandsetCaller, request: StartInput) {
    for (const hook of this.#deps.hooks.starting) hook.validate?.(request);
    const stray = request.complete?.find((kind) => !request.kinds.includes(kind));
    if (stray) throw new PhoneSafeError('VALIDATION_FAILED', `body.complete: ${stray} is not one of the backup's kinds`);
    const claims: StartClaim[] = [];
    for (const hook of this.#deps.hooks.starting) {
      const claim = await hook.claim(handset, request);
      if (claim) claims.push(claim);
    }
    try {
      if (!claims.some((claim) => claim.outsideQuota)) await this.#deps.checkQuota(handset);
    } catch (error) {
      if (error instanceof PhoneSafeError) for (const claim of claims) await claim.refused?.(error);
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
      keptAt: null,
    });
    for (const claim of claims) await claim.opened(backupId);
    return { backupId, status: 'open' as const, maxPartBytes: this.#deps.maxPartBytes };
  }

  /**
   * B5 end notice. The store checks, in one transaction, that every named part
   * is stored with that size and hash; the file sizes are checked here first.
   * The committed hooks (the job, the rescue, retention) run after the commit
   * and cannot undo it: a failure there is logged, not answered, or the
   * handset would retry a committed backup.
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
    const commit = {
      backupId,
      ownerId: handset.ownerId,
      handsetId: handset.handsetId,
      fileCount: committed.fileCount,
      committedAt: committed.committedAt,
    };
    for (const hook of this.#deps.hooks.committed) {
      try {
        await hook.run(commit);
      } catch (error) {
        this.#deps.log.error({ err: error, backupId }, hook.failure);
      }
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

  keep(ownerId: string, backupId: string, keep: boolean): Promise<BackupSummary> {
    return keepBackup(this.#deps, ownerId, backupId, keep);
  }

  forget(ownerId: string, request: RetentionPolicy & { handset?: string; dryRun: boolean }): Promise<ForgetResponse> {
    return forgetNow(this.#deps, ownerId, request);
  }

  async detail(caller: Caller, backupId: string): Promise<BackupDetail> {
    const backup = await loadCommittedBackup(this.#deps.backups, caller.ownerId, backupId);
    const [files, parts] = await Promise.all([this.#deps.backups.files(backupId), this.#deps.backups.parts(backupId)]);
    return { ...toSummary(backup), files, parts };
  }

  async remove(ownerId: string, backupId: string): Promise<void> {
    const backup = await loadCommittedBackup(this.#deps.backups, ownerId, backupId);
    if (backup.keptAt !== null)
      throw new PhoneSafeError('BACKUP_KEPT', `backup ${backupId} is kept for good: let it go first (pc keep --undo)`);
    await deleteBackup(this.#deps, backup, this.#deps.clock.now().toISOString(), 'deleted by the owner');
  }
}

/**
 * Keeps a backup for good (retention never forgets it, the owner's delete
 * refuses it) or lets it go; answers its summary.
 */
export async function keepBackup(deps: BackupServiceDeps, ownerId: string, backupId: string, keep: boolean): Promise<BackupSummary> {
  const backup = await loadCommittedBackup(deps.backups, ownerId, backupId);
  const keptAt = keep ? (backup.keptAt ?? deps.clock.now().toISOString()) : null;
  if (!(await deps.backups.setKept(ownerId, backupId, keptAt))) throw new PhoneSafeError('NOT_FOUND', `no backup ${backupId}`);
  return toSummary({ ...backup, keptAt });
}

/**
 * The owner's `forget`: the policy given, per handset and per kind as
 * retention after a commit applies it (forget.ts); with `dryRun` nothing is
 * deleted. Every committed backup is answered with the decision on it.
 */
export async function forgetNow(
  deps: BackupServiceDeps,
  ownerId: string,
  request: RetentionPolicy & { handset?: string; dryRun: boolean },
): Promise<ForgetResponse> {
  let handsetId: string | undefined;
  if (request.handset !== undefined) {
    const handset = await deps.handsets.findByName(ownerId, request.handset);
    if (!handset) throw new PhoneSafeError('NOT_FOUND', `no handset named ${request.handset}`);
    handsetId = handset.id;
  }
  const rows = (await deps.backups.listCommitted(ownerId, handsetId)).filter(isCommitted);
  const { keepLast, keepDaily, keepWeekly, keepMonthly } = request;
  const policy = { keepLast, keepDaily, keepWeekly, keepMonthly };
  const forgotten = new Set<string>();
  for (const id of new Set(rows.map((row) => row.handsetId))) {
    const ids = request.dryRun
      ? (await planForget(deps, ownerId, id, policy)).forget
      : await forgetByPolicy(deps, ownerId, id, policy, deps.clock.now().toISOString());
    for (const backupId of ids) forgotten.add(backupId);
  }
  const decision = (row: CommittedBackup) =>
    row.trigger === 'rescue' ? 'rescue' : row.keptAt !== null ? 'kept-for-good' : forgotten.has(row.id) ? 'forget' : 'keep';
  return {
    dryRun: request.dryRun,
    backups: rows.map((row) => ({ backupId: row.id, handsetName: row.handsetName, committedAt: row.committedAt, decision: decision(row) })),
  };
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
