import type { DataKind, OverwritePolicy, RestoreOrder } from '@phonesafe/protocol';
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
