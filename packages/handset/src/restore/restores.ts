import { PhoneSafeError } from '@phonesafe/protocol';
import type { ChannelScope, HandlerTable, OnConnect } from '../channel/handlers.ts';
import type { HandsetContext } from '../context.ts';
import { failureOf } from '../util/failure.ts';
import { applyPendingRestores, type PendingOptions } from './pending-restores.ts';
import { runRestore, type RestoreDeps } from './restore-engine.ts';
import type { PendingFailure, RestoreOptions, RestoreResult } from './restore-types.ts';

export type RestoresContext = Omit<RestoreDeps, 'session'> & Pick<HandsetContext, 'session' | 'pendingRestores'>;

/**
 * B6 on the handset: the owner's restores, and the orders the owner placed
 * from the pc ("pending": the handset applies them the next time it talks
 * to the center).
 *
 * Where pending orders are applied, all of it in one list:
 *   - before every backup (the owner's, a trigger's, the center's): the
 *     backup should include what the restore brings (backup/backups.ts,
 *     through applyPendingFirst);
 *   - before `history()`, which then shows them (applyPendingFirst);
 *   - before the owner's own restore (restore);
 *   - on the live channel, on every connection and at each restore-pending
 *     message (onConnect, handlers);
 *   - and by the CLI at `handset status`, `import` and `export`: the virtual
 *     handset talks to the center at every command (applyPending; see
 *     docs/design/handset-storage.md).
 * Never before a rescue save or erase: a lost handset saves and is erased,
 * it receives nothing first (rescue/rescue-handlers.ts).
 */
export class Restores {
  readonly #ctx: RestoresContext;

  constructor(ctx: RestoresContext) {
    this.#ctx = ctx;
  }

  /** The owner's restore; the pending orders are applied first, and one that must ask the owner is left for later. */
  async restore(options: RestoreOptions): Promise<RestoreResult> {
    const deps = this.#deps();
    await this.#apply(deps, {
      ask: options.ask,
      onProgress: options.onProgress,
      deferUnanswerable: true,
      onFailed: options.onPendingFailed,
    });
    // No backup named: the newest version of each item across that handset's backups (restore-engine.ts).
    const from = options.backupId ? { backupId: options.backupId } : { handset: options.fromHandset ?? deps.session.identity.name };
    const plan = {
      from,
      kinds: options.kinds ?? null,
      overwrite: options.overwrite,
      ...(options.include ? { include: options.include } : {}),
    };
    return runRestore(deps, plan, options.ask, options.onProgress);
  }

  /**
   * Applies the restores the owner ordered for this handset and answers those
   * applied; an order that cannot be applied is reported (see
   * pending-restores.ts) and passed to `onFailed`, the others go on.
   */
  applyPending(options: Omit<PendingOptions, 'deferUnanswerable'> = {}): Promise<RestoreResult[]> {
    return this.#apply(this.#deps(), options);
  }

  /**
   * The step before a backup or a history call. Pending restores never stop
   * them: a failing order is reported by applyPendingRestores, one that must
   * ask the owner waits, and a center out of reach for the listing is the
   * backup's own failure to report, not this one's. NOT_ENROLLED is thrown.
   */
  async applyPendingFirst(): Promise<void> {
    const deps = this.#deps();
    try {
      await this.#apply(deps, { deferUnanswerable: true });
    } catch (error) {
      if (!(error instanceof PhoneSafeError)) throw error;
    }
  }

  readonly handlers: Pick<HandlerTable, 'restore-pending'> = {
    'restore-pending': (_message, scope) => scope.track(this.#fromChannel(scope)),
  };

  /** A restore pushed while the handset was away is not lost: every connection looks for pending orders. */
  readonly onConnect: OnConnect = (scope) => scope.track(this.#fromChannel(scope));

  /** Orders are applied without asking (one that must ask waits for a command that can); every outcome is an event. */
  #fromChannel(scope: ChannelScope): Promise<void> {
    const onFailed = ({ restoreId, code, detail }: PendingFailure) => scope.emit({ event: 'restore-failed', restoreId, code, detail });
    return this.#tryApply({ deferUnanswerable: true, onFailed }).then(
      (results) => {
        for (const r of results) {
          const { restoreId, backupId, restored, alreadyThere, skipped } = r;
          scope.emit({ event: 'restore-applied', restoreId, backupId, restored, alreadyThere, skipped });
        }
      },
      (error: unknown) => scope.emit({ event: 'restore-failed', restoreId: null, ...failureOf(error) }),
    );
  }

  /** Like applyPending, with a handset that is no longer enrolled as a rejection rather than a throw. */
  #tryApply(options: PendingOptions): Promise<RestoreResult[]> {
    try {
      return this.#apply(this.#deps(), options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #apply(deps: RestoreDeps, options: PendingOptions): Promise<RestoreResult[]> {
    return this.#ctx.pendingRestores.run(() => applyPendingRestores(deps, options));
  }

  #deps(): RestoreDeps {
    return { ...this.#ctx, session: this.#ctx.session.require() };
  }
}
