import { Chunker, PRECOMPRESSED_KINDS, type PartRef } from '@phonesafe/protocol';
import { fileChunks, type OwnerKeys } from '@phonesafe/protocol/node';
import type { Item, Memory } from '../memory/memory.ts';
import type { SettingsTable } from '../settings/settings-table.ts';
import type { BackupArea } from './backup-area.ts';
import type { PartIndex } from './part-index.ts';
import type { SealPool } from './seal-pool.ts';
import type { VersionPart, VersionRecords } from './version-records.ts';

/** The copier is part of the session (session.ts), so it names its tables itself rather than picking from the context. */
export interface CopierDeps {
  keys: OwnerKeys;
  memory: Memory;
  area: BackupArea;
  index: PartIndex;
  versions: VersionRecords;
  settings: SettingsTable;
  /** Seals large chunks on other threads; without it everything is sealed here. */
  pool?: SealPool;
}

/** Chunks smaller than this are sealed on the main thread: the hop to a thread and back costs more. */
const POOL_MIN_BYTES = 64 * 1024;

/**
 * Makes an item's backup copy (B2): its content cut by the owner-keyed
 * chunker, each chunk the handset has not sealed before sealed into the
 * backup area, and a profile record listing the parts. Chunks already known
 * (at the center or waiting in the area) cost nothing, so an edit in a large
 * file adds only the chunks around it. Callers run it inside the agent's serial writes.
 */
export class Copier {
  readonly #deps: CopierDeps;
  readonly #chunker: Chunker;
  /** Chunks sealed (and written) at once for one copy: one per pool thread and one queued, so a thread never waits for the main thread (each holds a chunk, its copy and the sealed bytes). */
  readonly #inFlight: number;

  constructor(deps: CopierDeps) {
    this.#deps = deps;
    this.#chunker = new Chunker(deps.keys.gear);
    this.#inFlight = deps.pool ? deps.pool.size + 1 : 1;
  }

  /**
   * The new parts' index rows and the version record are one transaction,
   * after the parts' files are in the area: a crash before it leaves files no
   * row names (pruneArea deletes them) and an item without a copy (copyUncopied
   * makes it again), never a row naming a missing file.
   */
  async copy(item: Item): Promise<void> {
    const { index, versions } = this.#deps;
    const parts: VersionPart[] = [];
    const sealing = new Set<string>();
    const window: Array<Promise<PartRef>> = [];
    const refs: PartRef[] = [];
    try {
      for await (const { id, chunk } of this.#chunks(item)) {
        if (!sealing.has(id) && !index.ref(id)) {
          sealing.add(id);
          const ref = this.#sealIntoArea(item, id, chunk);
          ref.catch(() => undefined); // awaited below; this keeps a failure from being unhandled meanwhile
          window.push(ref);
          if (window.length >= this.#inFlight) refs.push(await window.shift()!);
        }
        parts.push({ id, plainSize: chunk.length });
      }
      for (const ref of window.splice(0)) refs.push(await ref);
    } finally {
      await Promise.allSettled(window); // nothing of this copy still writes once it has failed
    }
    index.batch(() => {
      for (const ref of refs) index.recordSealed(ref);
      versions.record(item, parts, false);
    });
  }

  /** Stops the sealing threads (the session ended); a later large chunk starts them again. */
  close(): Promise<void> {
    return this.#deps.pool?.close() ?? Promise.resolve();
  }

  /** Copies the item's current version unless it has a copy already; see VersionRecords.uncopiedItemIds. */
  async copyIfMissing(itemId: string): Promise<void> {
    const item = this.#deps.memory.byId(itemId);
    if (item && !item.offloaded && !this.#deps.versions.get({ itemId, version: item.version })) await this.copy(item);
  }

  /**
   * Seals again the chunks `wanted` of an item's current content, for parts
   * the center has lost (pruned after its backup was deleted) and whose copy
   * already left the backup area.
   */
  async reseal(item: Item, wanted: ReadonlySet<string>): Promise<void> {
    for await (const { id, chunk } of this.#chunks(item)) {
      if (wanted.has(id)) this.#deps.index.recordSealed(await this.#sealIntoArea(item, id, chunk));
    }
  }

  /** Chunks are views into a reused window (see fileChunks): sealed at once, never kept. */
  async *#chunks(item: Item): AsyncGenerator<{ id: string; chunk: Buffer }> {
    for await (const chunk of fileChunks(this.#chunker, this.#deps.memory.contentPath(item.id))) {
      yield { id: this.#deps.keys.partId(chunk), chunk };
    }
  }

  /**
   * Seals the chunk (on the pool's threads when it is large: `chunk` is a view
   * into a reused window, so the pool copies it at once) and writes it into
   * the area; the caller records the returned ref in the index.
   */
  async #sealIntoArea(item: Item, id: string, chunk: Buffer): Promise<PartRef> {
    const compress = this.#deps.settings.get().compress && !PRECOMPRESSED_KINDS.has(item.kind);
    const { pool } = this.#deps;
    const sealed =
      pool && chunk.length >= POOL_MIN_BYTES ? await pool.seal(chunk, id, compress) : this.#deps.keys.sealPart(chunk, { compress, id });
    await this.#deps.area.write(id, sealed.bytes);
    return { id, size: sealed.bytes.length, sha256: sealed.sha256 };
  }
}
