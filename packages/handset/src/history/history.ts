import type { HistoryEvent } from '@phonesafe/protocol';
import type { HandsetContext } from '../context.ts';
import type { LocalHistoryEntry } from './history-table.ts';

/** B8: what this handset and the center recorded of its backups and restores. */
export class History {
  readonly #ctx: Pick<HandsetContext, 'history' | 'session'>;
  readonly #restores: { applyPendingFirst(): Promise<void> };

  constructor(ctx: Pick<HandsetContext, 'history' | 'session'>, restores: { applyPendingFirst(): Promise<void> }) {
    this.#ctx = ctx;
    this.#restores = restores;
  }

  /** Local history, and the center's history of this handset (none before enrollment); pending restores are applied first. */
  async list(): Promise<{ local: LocalHistoryEntry[]; center: HistoryEvent[] }> {
    const session = this.#ctx.session.current();
    if (!session) return { local: this.#ctx.history.list(), center: [] };
    await this.#restores.applyPendingFirst();
    const center = await session.client.history();
    return { local: this.#ctx.history.list(), center };
  }
}
