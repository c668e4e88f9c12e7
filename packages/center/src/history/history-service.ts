import type { HistoryEvent } from '@phonesafe/protocol';
import type { Caller } from '../auth/caller.ts';
import type { HandsetRepo } from '../handsets/handset-repo.ts';
import type { HistoryRepo } from './history-repo.ts';

export interface HistoryServiceDeps {
  history: Pick<HistoryRepo, 'list'>;
  handsets: Pick<HandsetRepo, 'listByOwner'>;
}

/** B8: an owner sees every handset's events; a handset sees its own. Newest first. */
export class HistoryService {
  readonly #deps: HistoryServiceDeps;

  constructor(deps: HistoryServiceDeps) {
    this.#deps = deps;
  }

  async list(caller: Caller): Promise<{ events: HistoryEvent[] }> {
    const [rows, handsets] = await Promise.all([
      this.#deps.history.list(caller.ownerId, caller.kind === 'handset' ? caller.handsetId : undefined),
      this.#deps.handsets.listByOwner(caller.ownerId),
    ]);
    const names = new Map(handsets.map((handset) => [handset.id, handset.name]));
    return {
      events: rows.map((row) => ({
        at: row.at,
        event: row.event,
        handsetName: row.handsetId === null ? null : (names.get(row.handsetId) ?? null),
        backupId: row.backupId,
        detail: row.detail,
      })),
    };
  }
}
