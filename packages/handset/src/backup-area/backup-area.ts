import { access, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, isTempName } from '../util/atomic-file.ts';
import type { PartIndex } from './part-index.ts';

/** DIR/backup-area: sealed parts, one file per part id, waiting to be sent. */
export class BackupArea {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  write(id: string, sealed: Uint8Array): Promise<void> {
    return writeFileAtomic(join(this.#dir, id), sealed);
  }

  /** The sealed bytes, or undefined when the copy is gone. */
  async read(id: string): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.#dir, id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async has(id: string): Promise<boolean> {
    return access(join(this.#dir, id)).then(
      () => true,
      () => false,
    );
  }

  async ids(): Promise<string[]> {
    return (await readdir(this.#dir)).filter((name) => !isTempName(name));
  }

  remove(id: string): Promise<void> {
    return rm(join(this.#dir, id), { force: true });
  }
}

/** Deletes every copy in the area that is not waiting to be sent (see PartIndex.settle). Run inside the agent's serial writes. */
export async function pruneArea(index: PartIndex, area: BackupArea): Promise<void> {
  const waiting = index.settle();
  for (const id of await area.ids()) {
    if (!waiting.has(id)) await area.remove(id);
  }
}
