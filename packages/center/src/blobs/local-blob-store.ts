/**
 * Blobs on the local file system (storage-format.md): `ROOT/<ownerId>/<id[0:2]>/<id>`,
 * written through `ROOT/tmp/` so a crash never leaves a partial blob under a
 * real name. The two-character fan-out keeps directories small.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { BlobStore } from '../store/blob-store.ts';

// The same shapes the wire schemas accept (Id, PartId). Checking them here
// too means no caller can reach outside ROOT; an owner id is at least 8
// characters, so it can never be the `tmp` directory.
const OWNER_ID = /^[A-Za-z0-9_-]{8,64}$/;
const PART_ID = /^[0-9a-f]{64}$/;
const TEMPORARY_DIR = 'tmp';

export class LocalBlobStore implements BlobStore {
  readonly #root: string;
  /** Directories known to exist: a transfer puts thousands of parts into 256 fan-out directories. */
  readonly #made = new Set<string>();

  constructor(root: string) {
    this.#root = root;
  }

  async put(ownerId: string, id: string, bytes: Uint8Array): Promise<void> {
    const target = this.#path(ownerId, id);
    const tmpDir = join(this.#root, TEMPORARY_DIR);
    await this.#mkdir(tmpDir);
    const temporary = join(tmpDir, randomUUID());
    try {
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      const dir = join(this.#root, ownerId, id.slice(0, 2));
      await this.#mkdir(dir);
      await rename(temporary, target);
      // The rename is durable only once its directory is synced; the handset
      // deletes its copy after the commit, so the blob must outlive a power cut.
      await syncDirectory(dir);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(ownerId: string, id: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.#path(ownerId, id)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async has(ownerId: string, id: string): Promise<boolean> {
    return exists(this.#path(ownerId, id));
  }

  async delete(ownerId: string, id: string): Promise<void> {
    await rm(this.#path(ownerId, id), { force: true });
  }

  async cleanTemporary(): Promise<number> {
    const tmpDir = join(this.#root, TEMPORARY_DIR);
    let names: string[];
    try {
      names = await readdir(tmpDir);
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
    for (const name of names) await rm(join(tmpDir, name), { force: true, recursive: true });
    return names.length;
  }

  async #mkdir(dir: string): Promise<void> {
    if (this.#made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.#made.add(dir);
  }

  #path(ownerId: string, id: string): string {
    if (!OWNER_ID.test(ownerId)) throw new PhoneSafeError('VALIDATION_FAILED', 'malformed owner id for a blob');
    if (!PART_ID.test(id)) throw new PhoneSafeError('VALIDATION_FAILED', 'malformed part id for a blob');
    return join(this.#root, ownerId, id.slice(0, 2), id);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** ENOTDIR too: a path through a non-directory cannot hold a blob either. */
function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
