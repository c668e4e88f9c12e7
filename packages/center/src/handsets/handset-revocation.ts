/**
 * Revoking a handset, the port its callers use (the owner's revoke, a rescue
 * erase) and the hook other capabilities subscribe to: the handset sets
 * revoked_at, and each subscriber takes away what the handset would still
 * get, all in one transaction.
 */
import type { UnitOfWork } from '@phonesafe/server-kit';
import type { HandsetRepo } from './handset-repo.ts';

export interface HandsetRevocation {
  /**
   * From now on the handset's credential is refused, and it gets no more
   * work: in one transaction, revoked_at is set (the first time is kept), its
   * schedule cleared and its active job cancelled. Idempotent; answers true
   * when this call revoked it.
   */
  revoke(handsetId: string, at: string): Promise<boolean>;
}

/** A subscriber's part of a revocation, run inside its transaction on that transaction's repositories `tx`. */
export type RevocationHook<Tx> = (tx: Tx, revoked: { handsetId: string; at: string }) => Promise<void>;

/** The revocation over `transaction`: the handset row first, then every hook, in order. */
export function handsetRevocation<Tx extends { handsets: Pick<HandsetRepo, 'revoke'> }>(
  transaction: UnitOfWork<Tx>,
  hooks: ReadonlyArray<RevocationHook<Tx>>,
): HandsetRevocation {
  return {
    revoke: (handsetId, at) =>
      transaction(async (tx) => {
        const first = await tx.handsets.revoke(handsetId, at);
        for (const hook of hooks) await hook(tx, { handsetId, at });
        return first;
      }),
  };
}
