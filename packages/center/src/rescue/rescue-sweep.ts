/**
 * The rescue step of the scheduler tick (R4, R5): warn before saved data
 * expires, erase it at expiry, and give up on a handset that never came back
 * within the window. Each kind is drained in transactions over rows locked
 * with SKIP LOCKED, so any number of centers can sweep one database.
 */
import type { Clock } from '@phonesafe/protocol';
import type { BackupRepo } from '../backup/backup-repo.ts';
import type { Notifier } from '../notices/notifier.ts';
import type { TickStep } from '../scheduler/scheduler.ts';
import type { UnitOfWork } from '@phonesafe/server-kit';
import type { DueRescues, RescueAuditRepo, RescueRepo, RescueRow, RescueUpdate } from './rescue-repo.ts';
import type { HistoryRepo } from '../history/history-repo.ts';
import { audit, ownerNotice, subjectOf } from './rescue-records.ts';

/** Rows per transaction, as in the job steps. */
const BATCH = 100;

/** What the sweep changes in one transaction: the rescues, and the backup rows of the expired ones. */
export interface SweepTx {
  rescues: Pick<RescueRepo, 'takeDue'>;
  backups: Pick<BackupRepo, 'remove'>;
}

/**
 * RescueRepo.takeDue in one transaction; for 'expire' the rescue's backup
 * rows are deleted in the same transaction (its parts go at the next prune).
 */
export function takeDueRescues(
  transaction: UnitOfWork<SweepTx>,
  which: DueRescues,
  bound: string,
  limit: number,
  decide: (rescue: RescueRow) => RescueUpdate,
): Promise<Array<{ before: RescueRow; after: RescueRow }>> {
  return transaction(async (tx) => {
    const taken = await tx.rescues.takeDue(which, bound, limit, decide);
    if (which !== 'expire') return taken;
    for (const { before } of taken) if (before.backupId !== null) await tx.backups.remove(before.ownerId, before.backupId);
    return taken;
  });
}

export interface RescueSweepDeps {
  transaction: UnitOfWork<SweepTx>;
  rescueAudit: Pick<RescueAuditRepo, 'append'>;
  history: Pick<HistoryRepo, 'append'>;
  notifier: Notifier;
  clock: Clock;
  warnMs: number;
}

export class RescueSweep {
  readonly #deps: RescueSweepDeps;

  constructor(deps: RescueSweepDeps) {
    this.#deps = deps;
  }

  /** One sweep at `now`; answers how many rescues changed. Expiry goes first: an expired rescue needs no warning. */
  async sweep(now: Date): Promise<number> {
    const at = now.toISOString();
    const expired = await this.#drain('expire', at, { status: 'expired' });
    for (const rescue of expired) await this.#expired(rescue, at);
    const warnBound = new Date(now.getTime() + this.#deps.warnMs).toISOString();
    const warned = await this.#drain('warn', warnBound, { warnedAt: at });
    for (const rescue of warned) await this.#warned(rescue);
    const gaveUp = await this.#drain('give-up', at, { status: 'gave-up' });
    for (const rescue of gaveUp) await this.#gaveUp(rescue);
    return expired.length + warned.length + gaveUp.length;
  }

  async #expired(rescue: RescueRow, at: string): Promise<void> {
    // The store deleted the backup's rows with the status change; prune removes its parts.
    if (rescue.backupId !== null) {
      await this.#deps.history.append({
        at,
        ownerId: rescue.ownerId,
        handsetId: rescue.handsetId,
        backupId: rescue.backupId,
        event: 'backup-deleted',
        detail: `rescue ${rescue.id} expired`,
      });
    }
    const message = `the data saved from the handset with phone number ${rescue.phone} (rescue ${rescue.id}) was erased at the end of its retention period`;
    await audit(this.#deps, subjectOf(rescue), 'expired', message);
    await this.#deps.notifier.notify(ownerNotice(rescue.ownerId, 'rescue-expired', message));
  }

  async #warned(rescue: RescueRow): Promise<void> {
    const message = `the data saved from the handset with phone number ${rescue.phone} will be erased at ${rescue.expiresAt ?? '-'}; restore it before then`;
    await audit(this.#deps, subjectOf(rescue), 'expiry-warning', message);
    await this.#deps.notifier.notify(ownerNotice(rescue.ownerId, 'rescue-expiring', message));
  }

  async #gaveUp(rescue: RescueRow): Promise<void> {
    const tried = rescue.lastAttemptAt === null ? 'it never connected' : `last attempt ${rescue.lastAttemptAt}`;
    const message = `the rescue of the handset with phone number ${rescue.phone} gave up at the end of its window (${tried})`;
    await audit(this.#deps, subjectOf(rescue), 'gave-up', message);
    await this.#deps.notifier.notify(ownerNotice(rescue.ownerId, 'rescue-gave-up', message));
  }

  /** The rows as they are after the change (the notices read their control number and expiry). */
  async #drain(which: DueRescues, bound: string, update: RescueUpdate): Promise<RescueRow[]> {
    const all: RescueRow[] = [];
    for (;;) {
      const taken = await takeDueRescues(this.#deps.transaction, which, bound, BATCH, () => update);
      all.push(...taken.map((t) => t.after));
      if (taken.length < BATCH) return all;
    }
  }
}

/** The sweep as a step of the scheduler tick, after the job steps. */
export function rescueTickStep(sweep: Pick<RescueSweep, 'sweep'>): TickStep {
  return { name: 'rescues', run: (now) => sweep.sweep(now) };
}
