/**
 * Blobs on the local file system (storage-format.md):
 * `ROOT/<ownerId>/<id[0:2]>/<id>.<sha256>`, legacy blobs `…/<id>`, written
 * through `ROOT/tmp/` so a crash never leaves a partial blob under a real
 * name; packs of small parts under `ROOT/packs/` (local-packs.ts).
 * The two-character fan-out keeps directories small. Files are 0600
 * and directories 0700: the bytes are sealed, but who stores how much is
 * nobody else's business on a shared machine.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { BlobEntry, BlobKey, BlobName, BlobStore, BlobStoreProbe, PackedPart, PackEntry, PackReader } from './blob-store.ts';
import { asStorageFault } from '@phonesafe/server-kit';
import { errorCode, isNotFound, readdirIfExists, readIfExists, statIfExists, syncDirectory } from './files.ts';
import { deletePackIfOlder, listPacks, openPack, writePack } from './local-packs.ts';

// The same shapes the wire schemas accept (Id, PartId). Checking them here
// too means no caller can reach outside ROOT; an owner id is at least 8
// characters, so it can never be the `tmp` or `packs` directory.
const OWNER_ID = /^[A-Za-z0-9_-]{8,64}$/;
const PART_ID = /^[0-9a-f]{64}$/;
const BLOB_FILE = /^([0-9a-f]{64})(?:\.([0-9a-f]{64}))?$/;
const TEMPORARY_DIR = 'tmp';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export class LocalBlobStore implements BlobStore {
  readonly #root: string;
  /** Directories known to exist: a transfer puts thousands of parts into 256 fan-out directories. */
  readonly #made = new Set<string>();

  constructor(root: string) {
    this.#root = root;
  }

  async put(key: BlobKey, bytes: Uint8Array): Promise<void> {
    const target = this.#path(key);
    try {
      await this.#writeThenRename(bytes, target);
    } catch (error) {
      throw asStorageFault(error, 'center') ?? error;
    }
  }

  async get(key: BlobKey): Promise<Uint8Array | undefined> {
    return (await readIfExists(this.#path(key))) ?? readIfExists(this.#path({ ...key, sha256: null }));
  }

  async has(ownerId: string, id: string): Promise<boolean> {
    const dir = this.#fanOut(ownerId, id);
    const names = await readdirIfExists(dir);
    return names.some((name) => name === id || name.startsWith(`${id}.`));
  }

  async delete(name: BlobName): Promise<void> {
    await rm(this.#path(name), { force: true });
  }

  async deleteIfOlder(name: BlobName, before: string): Promise<boolean> {
    const path = this.#path(name);
    // Moved aside first, then judged by its write time: a put of this name
    // that landed after the caller looked is new, and goes back in place.
    const aside = join(await this.#tmpDir(), `${randomUUID()}.aside`);
    try {
      await rename(path, aside);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    if ((await stat(aside)).mtime.toISOString() < before) {
      await rm(aside, { force: true });
      return true;
    }
    await rename(aside, path);
    return false;
  }

  async *list(): AsyncIterable<BlobEntry> {
    for (const ownerId of await readdirIfExists(this.#root)) {
      if (!OWNER_ID.test(ownerId)) continue;
      for (const fan of await readdirIfExists(join(this.#root, ownerId))) {
        for (const file of await readdirIfExists(join(this.#root, ownerId, fan))) {
          const match = BLOB_FILE.exec(file);
          if (!match) continue;
          const written = await statIfExists(join(this.#root, ownerId, fan, file));
          if (written) yield { ownerId, id: match[1]!, sha256: match[2] ?? null, writtenAt: written.mtime.toISOString() };
        }
      }
    }
  }

  async cleanTemporary(before: string): Promise<number> {
    const dir = join(this.#root, TEMPORARY_DIR);
    let removed = 0;
    for (const name of await readdirIfExists(dir)) {
      const written = await statIfExists(join(dir, name));
      if (!written || written.mtime.toISOString() >= before) continue;
      await rm(join(dir, name), { force: true, recursive: true });
      removed += 1;
    }
    return removed;
  }

  async probe(): Promise<BlobStoreProbe> {
    let freeBytes: number | null = null;
    try {
      const dir = await this.#tmpDir();
      const fs = await statfs(dir);
      freeBytes = Number(fs.bavail) * Number(fs.bsize);
      const probe = join(dir, `${randomUUID()}.probe`);
      try {
        const file = await open(probe, 'wx', FILE_MODE);
        try {
          await file.writeFile('probe');
        } finally {
          await file.close();
        }
      } finally {
        await rm(probe, { force: true });
      }
      return { writable: true, freeBytes };
    } catch (error) {
      return { writable: false, freeBytes, problem: errorCode(error) };
    }
  }

  putPack(ownerId: string, parts: readonly PackedPart[]): Promise<{ packId: string; offsets: number[] }> {
    return writePack({ root: this.#root, tmpDir: () => this.#tmpDir(), mkdir: (dir) => this.#mkdir(dir) }, ownerId, parts);
  }

  openPack(ownerId: string, packId: string): Promise<PackReader | undefined> {
    return openPack(this.#root, ownerId, packId);
  }

  listPacks(): AsyncIterable<PackEntry> {
    return listPacks(this.#root);
  }

  deletePackIfOlder(ownerId: string, packId: string, before: string): Promise<boolean> {
    return deletePackIfOlder(this.#root, ownerId, packId, before);
  }

  async #writeThenRename(bytes: Uint8Array, target: string): Promise<void> {
    const temporary = join(await this.#tmpDir(), randomUUID());
    try {
      const file = await open(temporary, 'wx', FILE_MODE);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      const dir = join(target, '..');
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

  async #tmpDir(): Promise<string> {
    const dir = join(this.#root, TEMPORARY_DIR);
    await this.#mkdir(dir);
    return dir;
  }

  async #mkdir(dir: string): Promise<void> {
    if (this.#made.has(dir)) return;
    // `mode` applies to every directory the recursive call creates, ROOT included.
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    this.#made.add(dir);
  }

  #fanOut(ownerId: string, id: string): string {
    if (!OWNER_ID.test(ownerId)) throw new PhoneSafeError('VALIDATION_FAILED', 'malformed owner id for a blob');
    if (!PART_ID.test(id)) throw new PhoneSafeError('VALIDATION_FAILED', 'malformed part id for a blob');
    return join(this.#root, ownerId, id.slice(0, 2));
  }

  #path(name: BlobName): string {
    const dir = this.#fanOut(name.ownerId, name.id);
    if (name.sha256 === null) return join(dir, name.id);
    if (!PART_ID.test(name.sha256)) throw new PhoneSafeError('VALIDATION_FAILED', 'malformed hash for a blob');
    return join(dir, `${name.id}.${name.sha256}`);
  }
}
