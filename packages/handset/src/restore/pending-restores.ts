import { PhoneSafeError, type ErrorCode } from '@phonesafe/protocol';
import type { ProgressFn } from '../util/progress.ts';
import type { AskOverwrite } from './overwrite.ts';
import type { PendingFailure, RestoreResult } from './restore-types.ts';
import { failureOf } from '../util/failure.ts';
import { runRestore, type RestoreDeps } from './restore-engine.ts';

export type { PendingFailure };

export interface PendingOptions {
  ask?: AskOverwrite;
  onProgress?: ProgressFn;
  /**
   * Leave an order that needs the owner's answer pending instead of failing,
   * so that a backup or a history call is not blocked by it; the order is
   * applied when a caller can ask.
   */
  deferUnanswerable?: boolean;
  /** Told of each order that could not be applied (reported or not); the others go on. */
  onFailed?: (failure: PendingFailure) => void;
}

/**
 * Restores the owner placed for this handset (B6: "the handset applies it the
 * next time it talks to the center"), each with the order's own kinds and
 * overwrite policy; the center deletes the backup afterwards if the owner's
 * order said so. One order's failure never stops the others nor the caller:
 * a retryable one (the center out of reach) leaves the order pending for the
 * next contact, and so does one that must ask the owner and cannot
 * (OVERWRITE_REFUSED: not the order's fault); any other is reported to the
 * center with its error code only (never a detail, which could name a
 * file), and the center offers the order again after a backoff. Throws only
 * when the orders cannot be listed.
 */
export async function applyPendingRestores(deps: RestoreDeps, options: PendingOptions = {}): Promise<RestoreResult[]> {
  const results: RestoreResult[] = [];
  for (const order of await deps.session.client.pendingRestores()) {
    const plan = { from: { backupId: order.backupId }, kinds: order.kinds, overwrite: order.overwrite, order };
    try {
      results.push(await runRestore(deps, plan, options.ask, options.onProgress));
    } catch (error) {
      const unanswerable = error instanceof PhoneSafeError && error.code === 'OVERWRITE_REFUSED';
      if (unanswerable && options.deferUnanswerable) continue;
      const failure = failureOf(error);
      const retryable = !(error instanceof PhoneSafeError) || error.retryable;
      const reported = !retryable && !unanswerable && (await report(deps, order.restoreId, failure.code));
      options.onFailed?.({ restoreId: order.restoreId, backupId: order.backupId, ...failure, reported });
    }
  }
  return results;
}

/** Best effort: an order whose report does not arrive is simply offered again. */
async function report(deps: RestoreDeps, restoreId: string, code: ErrorCode): Promise<boolean> {
  try {
    await deps.session.client.reportRestoreFailed(restoreId, { code });
    return true;
  } catch {
    return false;
  }
}
