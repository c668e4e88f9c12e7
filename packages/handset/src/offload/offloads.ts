import type { DataKind } from '@phonesafe/protocol';
import type { BackupResult } from '../backup/backup-types.ts';
import { fetchItem, type FetchDeps, type FetchResult } from './fetch.ts';
import { offloadItems, type OffloadDeps, type OffloadRequest, type OffloadResult } from './offload.ts';
import type { HandsetContext } from '../context.ts';

export type OffloadsContext = Omit<OffloadDeps & FetchDeps, 'session' | 'backup'> & Pick<HandsetContext, 'session'>;

/** B9 memory extension: items move to the center and come back on demand. */
export class Offloads {
  readonly #ctx: OffloadsContext;
  readonly #backups: { ofKinds(kinds: DataKind[]): Promise<BackupResult> };

  constructor(ctx: OffloadsContext, backups: { ofKinds(kinds: DataKind[]): Promise<BackupResult> }) {
    this.#ctx = ctx;
    this.#backups = backups;
  }

  /** Moves items of `kinds` not modified for `olderThanMs` to the center, leaving stubs (a backup runs first when needed). */
  offload(request: OffloadRequest): Promise<OffloadResult> {
    const session = this.#ctx.session.require();
    return offloadItems({ ...this.#ctx, session, backup: (kinds) => this.#backups.ofKinds(kinds) }, request);
  }

  /** Brings an offloaded item (by id or path) back from the center. */
  fetch(itemIdOrPath: string): Promise<FetchResult> {
    return fetchItem({ ...this.#ctx, session: this.#ctx.session.require() }, itemIdOrPath);
  }
}
