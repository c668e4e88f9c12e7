import {
  PhoneSafeError,
  type Clock,
  type DataKind,
  type ErrorCode,
  type OverwritePolicy,
  type RestoreListEntry,
  type RestoreOrder,
} from '@phonesafe/protocol';
import type { Caller, HandsetCaller } from '../auth/caller.ts';
import { deleteBackup, loadCommittedBackup } from '../backup/backup-records.ts';
import { newId } from '../ids.ts';
import type { Notifier } from '../notices/notifier.ts';
import type { PushBus } from '../push/push-bus.ts';
import type { BackupRepo } from '../backup/backup-repo.ts';
import type { HandsetRepo } from '../handsets/handset-repo.ts';
import type { HistoryRepo } from '../history/history-repo.ts';
import type { RestoreRepo, RestoreRow } from './restore-repo.ts';
import type { RestoreHooks } from './restore-hooks.ts';
import { afterFailedTry } from './restore-retry.ts';

export interface RestoreServiceDeps {
  restores: RestoreRepo;
  backups: Pick<BackupRepo, 'find' | 'remove'>;
  handsets: Pick<HandsetRepo, 'findByName' | 'listByOwner'>;
  history: Pick<HistoryRepo, 'append'>;
  bus: Pick<PushBus, 'publish'>;
  notifier: Notifier;
  clock: Clock;
  hooks: RestoreHooks;
}

export interface StartRestoreInput {
  backupId: string;
  toHandset?: string | undefined;
  kinds?: DataKind[] | undefined;
  deleteAfter: boolean;
  overwrite: OverwritePolicy;
}

/**
 * B6: restore orders. The destination handset fetches the due ones, applies
 * them and reports completion, or reports a failure (error code only), after
 * which the order is offered again with backoff until it is given up
 * (restore-retry.ts). The owner may cancel a pending order.
 */
export class RestoreService {
  readonly #deps: RestoreServiceDeps;

  constructor(deps: RestoreServiceDeps) {
    this.#deps = deps;
  }

  /** Only the owner may ask for the backup to be deleted once restored: a handset's order with `deleteAfter` is FORBIDDEN. */
  async start(caller: Caller, input: StartRestoreInput): Promise<RestoreOrder> {
    if (caller.kind === 'handset' && input.deleteAfter) {
      throw new PhoneSafeError('FORBIDDEN', 'body.deleteAfter: only the owner may ask for a backup to be deleted after its restore');
    }
    const backup = await loadCommittedBackup(this.#deps.backups, caller.ownerId, input.backupId);
    const handsetId = await this.#destination(caller, input.toHandset);
    const row: RestoreRow = {
      id: newId(),
      ownerId: caller.ownerId,
      backupId: backup.id,
      handsetId,
      kinds: input.kinds ?? null,
      deleteAfter: input.deleteAfter,
      overwrite: input.overwrite,
      placedBy: caller.kind,
      status: 'pending',
      requestedAt: this.#deps.clock.now().toISOString(),
      completedAt: null,
      attempts: 0,
      lastCode: null,
      nextTryAt: null,
    };
    await this.#deps.restores.create(row);
    await this.#deps.history.append({
      at: row.requestedAt,
      ownerId: caller.ownerId,
      handsetId,
      backupId: backup.id,
      event: 'restore-requested',
      detail: `restore of ${backup.handsetName}'s backup of ${backup.committedAt}${row.deleteAfter ? ', then delete it' : ''}`,
    });
    // Best effort: a handset that misses the push finds the order when it next asks for pending restores.
    await this.#deps.bus.publish(handsetId, { type: 'restore-pending', requestId: newId() }).catch(() => {});
    return toOrder(row);
  }

  /** The handset's pending orders that are due now (an order that failed waits for its next try). */
  async pending(handsetId: string): Promise<{ restores: RestoreOrder[] }> {
    return { restores: (await this.#deps.restores.listPending(handsetId, this.#deps.clock.now().toISOString())).map(toOrder) };
  }

  /** The owner's orders, newest first, with their status and tries. */
  async list(ownerId: string): Promise<{ restores: RestoreListEntry[] }> {
    const [orders, handsets] = await Promise.all([this.#deps.restores.listByOwner(ownerId), this.#deps.handsets.listByOwner(ownerId)]);
    const names = new Map(handsets.map((handset) => [handset.id, handset.name]));
    return { restores: orders.map((order) => ({ ...toOrder(order), handsetName: names.get(order.handsetId) ?? '?' })) };
  }

  /**
   * Marks the order completed and, when the owner's order said so, deletes
   * the backup (rows only; prune removes the blobs). Completing again answers
   * the same way, so a handset that lost the answer can simply retry; an
   * order cancelled or given up meanwhile stays so and deletes nothing.
   */
  async complete(caller: Caller, restoreId: string, report: { restored: number; skipped: number }): Promise<CompleteAnswer> {
    const order = await this.#find(caller, restoreId);
    if (order.status === 'completed') {
      return {
        restoreId,
        status: 'completed' as const,
        backupDeleted: deletes(order) && !(await this.#deps.backups.find(caller.ownerId, order.backupId)),
      };
    }
    const at = this.#deps.clock.now().toISOString();
    if (order.status !== 'pending' || !(await this.#deps.restores.complete(restoreId, at))) {
      const now = await this.#find(caller, restoreId);
      if (now.status === 'completed') return this.complete(caller, restoreId, report);
      return { restoreId, status: now.status as 'failed' | 'cancelled', backupDeleted: false };
    }
    await this.#deps.history.append({
      at,
      ownerId: caller.ownerId,
      handsetId: order.handsetId,
      backupId: order.backupId,
      event: 'restore-completed',
      detail: `${report.restored} restored, ${report.skipped} skipped`,
    });
    for (const hook of this.#deps.hooks.completed) await hook(order);
    // A backup kept for good stays, whatever the order said.
    const found = deletes(order) ? await this.#deps.backups.find(caller.ownerId, order.backupId) : undefined;
    const backup = found?.keptAt === null ? found : undefined;
    if (backup) await deleteBackup(this.#deps, backup, at, `deleted after restore ${restoreId}`);
    return { restoreId, status: 'completed' as const, backupDeleted: backup !== undefined };
  }

  /**
   * The destination could not apply the order: one more failed try, offered
   * again after the backoff, or given up after the last with an owner notice.
   * A report for an order no longer pending (or a duplicate of one already
   * counted) changes nothing and answers the order as it is.
   */
  async failed(handset: HandsetCaller, restoreId: string, code: ErrorCode): Promise<RestoreOrder> {
    const order = await this.#find(handset, restoreId);
    if (order.status !== 'pending') return toOrder(order);
    const attempts = order.attempts + 1;
    const next = afterFailedTry(attempts, this.#deps.clock.now());
    const changed = await this.#deps.restores.transition(
      { id: order.id, status: 'pending', attempts: order.attempts },
      { attempts, lastCode: code, ...next },
    );
    if (!changed) return toOrder(await this.#find(handset, restoreId));
    if (changed.status === 'failed') {
      await this.#deps.notifier.notify({
        ownerId: order.ownerId,
        handsetId: order.handsetId,
        kind: 'restore-failed',
        message: `restore ${order.id} could not be applied on handset ${handset.handsetName} after ${attempts} tries (last: ${code}); order it again when the cause is fixed`,
      });
    }
    return toOrder(changed);
  }

  /** The owner's "do not apply it": pending → cancelled (again: the same answer); a completed or given-up order is RESTORE_NOT_PENDING. */
  async cancel(ownerId: string, restoreId: string): Promise<RestoreOrder> {
    const order = await this.#find({ kind: 'owner', ownerId }, restoreId);
    if (order.status === 'cancelled') return toOrder(order);
    if (order.status !== 'pending')
      throw new PhoneSafeError('RESTORE_NOT_PENDING', `restore ${restoreId} is ${order.status}; only a pending order can be cancelled`);
    const at = this.#deps.clock.now().toISOString();
    const changed = await this.#deps.restores.transition(
      { id: order.id, status: 'pending', attempts: order.attempts },
      { status: 'cancelled', nextTryAt: null, completedAt: at },
    );
    return changed ? toOrder(changed) : this.cancel(ownerId, restoreId);
  }

  /** The order, visible to its owner and to its destination handset only. */
  async #find(caller: Caller, restoreId: string): Promise<RestoreRow> {
    const order = await this.#deps.restores.find(caller.ownerId, restoreId);
    if (!order || (caller.kind === 'handset' && order.handsetId !== caller.handsetId)) {
      throw new PhoneSafeError('NOT_FOUND', `no restore ${restoreId}`);
    }
    return order;
  }

  /** An owner names the destination; a handset restores to itself. */
  async #destination(caller: Caller, toHandset: string | undefined): Promise<string> {
    if (caller.kind === 'handset') {
      if (toHandset !== undefined && toHandset !== caller.handsetName) {
        throw new PhoneSafeError('VALIDATION_FAILED', 'body.toHandset: a handset can order a restore only to itself');
      }
      return caller.handsetId;
    }
    if (toHandset === undefined)
      throw new PhoneSafeError('VALIDATION_FAILED', 'body.toHandset: an owner must name the destination handset');
    const handset = await this.#deps.handsets.findByName(caller.ownerId, toHandset);
    if (!handset) throw new PhoneSafeError('NOT_FOUND', `no handset named ${toHandset}`);
    return handset.id;
  }
}

interface CompleteAnswer {
  restoreId: string;
  status: 'completed' | 'failed' | 'cancelled';
  backupDeleted: boolean;
}

/** Deletion after restore is the owner's decision alone. */
function deletes(order: RestoreRow): boolean {
  return order.deleteAfter && order.placedBy === 'owner';
}

function toOrder(row: RestoreRow): RestoreOrder {
  return {
    restoreId: row.id,
    backupId: row.backupId,
    handsetId: row.handsetId,
    kinds: row.kinds,
    deleteAfter: row.deleteAfter,
    overwrite: row.overwrite,
    status: row.status,
    requestedAt: row.requestedAt,
    attempts: row.attempts,
    lastCode: row.lastCode,
    nextTryAt: row.status === 'pending' ? row.nextTryAt : null,
  };
}
