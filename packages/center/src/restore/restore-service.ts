import { PhoneSafeError, type Clock, type DataKind, type OverwritePolicy, type RestoreOrder } from '@phonesafe/protocol';
import type { Caller } from '../auth/caller.ts';
import { deleteBackup, loadCommittedBackup } from '../backup/backup-records.ts';
import { newId } from '../ids.ts';
import type { PushBus } from '../push/push-bus.ts';
import type { BackupRepo, HandsetRepo, HistoryRepo, RestoreRepo, RestoreRow } from '../store/store.ts';

export interface RestoreServiceDeps {
  restores: RestoreRepo;
  backups: Pick<BackupRepo, 'find' | 'remove'>;
  handsets: Pick<HandsetRepo, 'findByName'>;
  history: Pick<HistoryRepo, 'append'>;
  bus: Pick<PushBus, 'publish'>;
  clock: Clock;
  /** Told of every completed order (the rescue desk marks its rescue restored). */
  completed: (order: RestoreRow) => Promise<void>;
}

export interface StartRestoreInput {
  backupId: string;
  toHandset?: string | undefined;
  kinds?: DataKind[] | undefined;
  deleteAfter: boolean;
  overwrite: OverwritePolicy;
}

/** B6: restore orders. The destination handset fetches and applies them, then reports completion. */
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

  async pending(handsetId: string): Promise<{ restores: RestoreOrder[] }> {
    return { restores: (await this.#deps.restores.listPending(handsetId)).map(toOrder) };
  }

  /**
   * Marks the order completed and, when the owner's order said so, deletes
   * the backup (rows only; prune removes the blobs). Completing again answers
   * the same way, so a handset that lost the answer can simply retry.
   */
  async complete(caller: Caller, restoreId: string, report: { restored: number; skipped: number }) {
    const order = await this.#deps.restores.find(caller.ownerId, restoreId);
    if (!order || (caller.kind === 'handset' && order.handsetId !== caller.handsetId)) {
      throw new PhoneSafeError('NOT_FOUND', `no restore ${restoreId}`);
    }
    const done = { restoreId, status: 'completed' as const };
    if (order.status === 'completed') {
      return { ...done, backupDeleted: deletes(order) && !(await this.#deps.backups.find(caller.ownerId, order.backupId)) };
    }
    const at = this.#deps.clock.now().toISOString();
    await this.#deps.restores.complete(restoreId, at);
    await this.#deps.history.append({
      at,
      ownerId: caller.ownerId,
      handsetId: order.handsetId,
      backupId: order.backupId,
      event: 'restore-completed',
      detail: `${report.restored} restored, ${report.skipped} skipped`,
    });
    await this.#deps.completed(order);
    const backup = deletes(order) ? await this.#deps.backups.find(caller.ownerId, order.backupId) : undefined;
    if (backup) await deleteBackup(this.#deps, backup, at, `deleted after restore ${restoreId}`);
    return { ...done, backupDeleted: backup !== undefined };
  }

  /** An owner names the destination; a handset restores to itself. */
  async #destination(caller: Caller, toHandset: string | undefined): Promise<string> {
    if (caller.kind === 'handset') {
      if (toHandset !== undefined && toHandset !== caller.handsetName) {
        throw new PhoneSafeError('VALIDATION_FAILED', 'body.toHandset: a handset can order a restore only to itself');
      }
      return caller.handsetId;
    }
    if (toHandset === undefined) throw new PhoneSafeError('VALIDATION_FAILED', 'body.toHandset: an owner must name the destination handset');
    const handset = await this.#deps.handsets.findByName(caller.ownerId, toHandset);
    if (!handset) throw new PhoneSafeError('NOT_FOUND', `no handset named ${toHandset}`);
    return handset.id;
  }
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
  };
}
