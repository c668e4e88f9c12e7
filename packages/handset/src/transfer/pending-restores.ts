import { PhoneSafeError } from '@phonesafe/protocol';
import type { AskOverwrite, ProgressFn, RestoreResult } from '../types.ts';
import { runRestore, type RestoreDeps } from './restore-engine.ts';

export interface PendingOptions {
  ask?: AskOverwrite;
  onProgress?: ProgressFn;
  /**
   * Leave an order that needs the owner's answer pending instead of failing,
   * so that a backup or a history call is not blocked by it; the order is
   * applied when a caller can ask.
   */
  deferUnanswerable?: boolean;
}

/**
 * Restores the pc placed for this handset (B6: "the handset applies it the
 * next time it talks to the center"), each with the order's own kinds and
 * overwrite policy; the center deletes the backup afterwards if the owner's
 * order said so.
 */
export async function applyPendingRestores(deps: RestoreDeps, options: PendingOptions = {}): Promise<RestoreResult[]> {
  const results: RestoreResult[] = [];
  for (const order of await deps.session.client.pendingRestores()) {
    const plan = { backupId: order.backupId, kinds: order.kinds, overwrite: order.overwrite, order };
    try {
      results.push(await runRestore(deps, plan, options.ask, options.onProgress));
    } catch (error) {
      const unanswerable = error instanceof PhoneSafeError && error.code === 'OVERWRITE_REFUSED';
      if (!(unanswerable && options.deferUnanswerable)) throw error;
    }
  }
  return results;
}
