/**
 * Packs on the local file system (storage-format.md, "Packs"):
 * `ROOT/packs/<ownerId>/<packId[0:2]>/<packId>.pack`, written through
 * `ROOT/tmp/<random>.pack` in one writev, fsynced once, renamed into place
 * and its directory fsynced, so a crash leaves either a temporary file or a
 * whole pack, never a partial one under a real name. The bytes: pack-format.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';
import { asStorageFault } from '@phonesafe/server-kit';
import type { PackEntry, PackedPart, PackReader } from './blob-store.ts';
import { isNotFound, readdirIfExists, statIfExists, syncDirectory } from './files.ts';
import { packLayout } from './pack-format.ts';

const OWNER_ID = /^[A-Za-z0-9_-]{8,64}$/;
const PACK_ID = /^[0-9a-f]{32}$/;
const PACK_FILE = /^([0-9a-f]{32})\.pack$/;
const FILE_MODE = 0o600;
export const PACKS_DIR = 'packs';

/** What the local pack files need of their blob store: where, and directories made 0700 once. */
export interface PackFilesRoot {
  root: string;
  tmpDir(): Promise<string>;
  mkdir(dir: string): Promise<void>;
}

export function packPath(root: string, ownerId: string, packId: string): string {
  if (!OWNER_ID.test(ownerId)) throw new PhoneSafeError('VALIDATION_FAILED', 'malformed owner id for a pack');
  if (!PACK_ID.test(packId)) throw new PhoneSafeError('VALIDATION_FAILED', 'malformed pack id');
  return join(root, PACKS_DIR, ownerId, packId.slice(0, 2), `${packId}.pack`);
}

export async function writePack(files: PackFilesRoot, ownerId: string, parts: readonly PackedPart[]) {
  const packId = randomBytes(16).toString('hex');
  const target = packPath(files.root, ownerId, packId);
  const { buffers, offsets } = packLayout(parts);
  let temporary: string | undefined;
  try {
    temporary = join(await files.tmpDir(), `${randomUUID()}.pack`);
    const file = await open(temporary, 'wx', FILE_MODE);
    try {
      await writeAll(file, buffers);
      await file.sync();
    } finally {
      await file.close();
    }
    const dir = join(target, '..');
    await files.mkdir(dir);
    await rename(temporary, target);
    // Durable only once the directory is synced: the rows that follow let the handset forget its copies.
    await syncDirectory(dir);
    return { packId, offsets };
  } catch (error) {
    if (temporary) await rm(temporary, { force: true });
    throw asStorageFault(error, 'center') ?? error;
  }
}

/** writev writes at most IOV_MAX buffers and may write fewer bytes than asked: loops until all are down. */
async function writeAll(file: FileHandle, buffers: Uint8Array[]): Promise<void> {
  let rest = buffers.filter((b) => b.length > 0);
  while (rest.length > 0) {
    const batch = rest.slice(0, 1024);
    const { bytesWritten } = await file.writev(batch);
    let left = bytesWritten;
    let done = 0;
    while (done < batch.length && left >= batch[done]!.length) left -= batch[done++]!.length;
    rest = rest.slice(done);
    if (left > 0) rest[0] = rest[0]!.subarray(left);
  }
}

export async function openPack(root: string, ownerId: string, packId: string): Promise<PackReader | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(packPath(root, ownerId, packId), 'r');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return new Uint8Array(buffer.buffer, buffer.byteOffset, done);
    },
    close: () => handle.close(),
  };
}

export async function* listPacks(root: string): AsyncIterable<PackEntry> {
  const base = join(root, PACKS_DIR);
  for (const ownerId of await readdirIfExists(base)) {
    if (!OWNER_ID.test(ownerId)) continue;
    for (const fan of await readdirIfExists(join(base, ownerId))) {
      for (const file of await readdirIfExists(join(base, ownerId, fan))) {
        const match = PACK_FILE.exec(file);
        const written = match && (await statIfExists(join(base, ownerId, fan, file)));
        if (written) yield { ownerId, packId: match[1]!, writtenAt: written.mtime.toISOString() };
      }
    }
  }
}

/**
 * Packs are never written again once renamed into place, so the write time
 * read here cannot change under us: a pack older than `before` stays older.
 */
export async function deletePackIfOlder(root: string, ownerId: string, packId: string, before: string): Promise<boolean> {
  const path = packPath(root, ownerId, packId);
  try {
    if ((await stat(path)).mtime.toISOString() >= before) return false;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
  await rm(path, { force: true });
  return true;
}
