import type { DataKind, OverwritePolicy, RestoreListEntry, RestoreOrder } from '@phonesafe/protocol';
import type { PcSession } from './session.ts';

export interface PushRestoreOptions {
  backupId: string;
  /** Name of the owner's handset that applies the restore when it next talks to the center. */
  toHandset: string;
  kinds?: readonly DataKind[];
  deleteAfter: boolean;
  overwrite: OverwritePolicy;
}

/** B6 from the pc with the handset as destination: leaves a pending order at the center. */
export function pushRestore(session: PcSession, options: PushRestoreOptions): Promise<RestoreOrder> {
  return session.owner.client.startRestore({
    backupId: options.backupId,
    toHandset: options.toHandset,
    kinds: options.kinds && options.kinds.length > 0 ? [...options.kinds] : undefined,
    deleteAfter: options.deleteAfter,
    overwrite: options.overwrite,
  });
}

/** Every restore order of the owner, newest first, with its status and failed tries. */
export function listRestores(session: PcSession): Promise<RestoreListEntry[]> {
  return session.owner.client.listRestores();
}

/** The owner's "do not apply it": a pending order becomes cancelled; a completed or given-up one is RESTORE_NOT_PENDING. */
export function cancelRestore(session: PcSession, restoreId: string): Promise<RestoreOrder> {
  return session.owner.client.cancelRestore(restoreId);
}
