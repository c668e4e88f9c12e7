import { resolve } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { HandsetContext } from '../context.ts';
import type { ProgressFn } from '../util/progress.ts';
import type { Item } from './memory.ts';
import { deleteItems, type DeleteItemsDeps } from './delete-items.ts';
import { exportTree, importTree, type ExportResult, type ImportResult, type SaveItem } from './import-export.ts';

type MemoryIOContext = Pick<HandsetContext, 'memory' | 'writers' | 'writes' | 'session' | 'clock'> & DeleteItemsDeps;

/** The owner's files in and out of the handset's memory, and what a save does besides. */
export class MemoryIO {
  readonly #ctx: MemoryIOContext;
  readonly #backups: { afterImport(result: ImportResult): Promise<ImportResult> };
  readonly #guard: () => string | null;

  /** `guard` runs before the owner's edits: it may refuse one (throw) or answer a warning ([0068], sync/syncs.ts). */
  constructor(
    ctx: MemoryIOContext,
    backups: { afterImport(result: ImportResult): Promise<ImportResult> },
    guard: () => string | null = () => null,
  ) {
    this.#ctx = ctx;
    this.#backups = backups;
    this.#guard = guard;
  }

  /**
   * A save of the files under `src` (B2: each changed file's backup copy is
   * made at once). Other processes see the handset writing its backup area
   * meanwhile. With `mirror`, what the source no longer has is deleted
   * (delete-items.ts). Then the B4 size trigger (backup/backups.ts afterImport).
   */
  async importTree(src: string, options: { onProgress?: ProgressFn; mirror?: boolean } = {}): Promise<ImportResult> {
    const { memory, writers } = this.#ctx;
    const warning = this.#guard();
    const removeGone = options.mirror ? (gone: readonly Item[]) => deleteItems(this.#ctx, gone) : undefined;
    const run = () =>
      importTree(resolve(src), memory, this.#save, {
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(removeGone ? { removeGone } : {}),
      });
    const result = await writers.track(run, true);
    return { ...(await this.#backups.afterImport(result)), ...(warning ? { warning } : {}) };
  }

  /** Writes what is on the handset; offloaded items are counted, not written. */
  exportTree(out: string, options: { onProgress?: ProgressFn } = {}): Promise<ExportResult> {
    return exportTree(resolve(out), this.#ctx.memory, options.onProgress);
  }

  /** The save below, for restores that arrive by mail (mail/mail-responder.ts). */
  readonly save: SaveItem = (path, staged, modifiedAt) => this.#save(path, staged, modifiedAt);

  /** One item's new content from bytes (a sync download), changed now: a save like an import's, backup copy included. */
  async saveBytes(path: string, content: Uint8Array): Promise<Item> {
    const staged = await this.#ctx.memory.stage(
      (async function* () {
        yield content;
      })(),
    );
    await this.#save(path, staged, this.#ctx.clock.now().toISOString());
    const item = this.#ctx.memory.byPath(path);
    if (!item) throw new PhoneSafeError('LOCAL_IO', `${path} was saved but is not in memory`);
    return item;
  }

  /** Deletes the item at `path` as `import --mirror` does (delete-items.ts); NOT_FOUND when there is none. */
  async deleteItem(path: string): Promise<Item> {
    const item = this.#ctx.memory.byPath(path);
    if (!item) throw new PhoneSafeError('NOT_FOUND', `no item ${path} on this handset`);
    await deleteItems(this.#ctx, [item]);
    return item;
  }

  /** Erases `items` (not the owner's deletion: the sync erase, S9), running `within` in the same transaction. */
  async eraseItems(items: readonly Item[], within: () => void): Promise<void> {
    await deleteItems(this.#ctx, items, within);
  }

  /**
   * A save: the new content becomes the item's next version, and its backup
   * copy is made at once (B2) when the handset is enrolled (before, the copy
   * is made at enrollment). Counted as writing the backup area from the
   * moment it is queued, for the readiness answer.
   */
  readonly #save: SaveItem = (path, staged, modifiedAt) =>
    this.#ctx.writers.track(() =>
      this.#ctx.writes.run(async () => {
        const item = await this.#ctx.memory.commit(path, staged, modifiedAt);
        await this.#ctx.session.current()?.copier.copy(item);
      }),
    );
}
