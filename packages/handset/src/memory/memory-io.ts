import { resolve } from 'node:path';
import type { HandsetContext } from '../context.ts';
import type { ProgressFn } from '../util/progress.ts';
import type { Item } from './memory.ts';
import { deleteItems, type DeleteItemsDeps } from './delete-items.ts';
import { exportTree, importTree, type ExportResult, type ImportResult, type SaveItem } from './import-export.ts';

type MemoryIOContext = Pick<HandsetContext, 'memory' | 'writers' | 'writes' | 'session'> & DeleteItemsDeps;

/** The owner's files in and out of the handset's memory, and what a save does besides. */
export class MemoryIO {
  readonly #ctx: MemoryIOContext;
  readonly #backups: { afterImport(result: ImportResult): Promise<ImportResult> };

  constructor(ctx: MemoryIOContext, backups: { afterImport(result: ImportResult): Promise<ImportResult> }) {
    this.#ctx = ctx;
    this.#backups = backups;
  }

  /**
   * A save of the files under `src` (B2: each changed file's backup copy is
   * made at once). Other processes see the handset writing its backup area
   * meanwhile. With `mirror`, what the source no longer has is deleted
   * (delete-items.ts). Then the B4 size trigger (backup/backups.ts afterImport).
   */
  async importTree(src: string, options: { onProgress?: ProgressFn; mirror?: boolean } = {}): Promise<ImportResult> {
    const { memory, writers } = this.#ctx;
    const removeGone = options.mirror ? (gone: readonly Item[]) => deleteItems(this.#ctx, gone) : undefined;
    const run = () =>
      importTree(resolve(src), memory, this.#save, {
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(removeGone ? { removeGone } : {}),
      });
    const result = await writers.track(run, true);
    return this.#backups.afterImport(result);
  }

  /** Writes what is on the handset; offloaded items are counted, not written. */
  exportTree(out: string, options: { onProgress?: ProgressFn } = {}): Promise<ExportResult> {
    return exportTree(resolve(out), this.#ctx.memory, options.onProgress);
  }

  /** The save below, for restores that arrive by mail (mail/mail-responder.ts). */
  readonly save: SaveItem = (path, staged, modifiedAt) => this.#save(path, staged, modifiedAt);

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
