import { Chunker, PRECOMPRESSED_KINDS, type PartRef } from '@phonesafe/protocol';
import { fileChunks, type OwnerKeys } from '@phonesafe/protocol/node';
import type { Item, Memory } from '../memory/memory.ts';
import type { SettingsTable } from '../settings/settings-table.ts';
import type { BackupArea } from './backup-area.ts';
import type { PartIndex } from './part-index.ts';
import type { VersionPart, VersionRecords } from './version-records.ts';

/** The copier is part of the session (session.ts), so it names its tables itself rather than picking from the context. */
export interface CopierDeps {
  keys: OwnerKeys;
  memory: Memory;
  area: BackupArea;
  index: PartIndex;
  versions: VersionRecords;
  settings: SettingsTable;
}

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

  constructor(deps: CopierDeps) {
    this.#deps = deps;
    this.#chunker = new Chunker(deps.keys.gear);
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
    const sealed = new Map<string, PartRef>();
    for await (const { id, chunk } of this.#chunks(item)) {
      if (!sealed.has(id) && !index.ref(id)) sealed.set(id, await this.#sealIntoArea(item, id, chunk));
      parts.push({ id, plainSize: chunk.length });
    }
    index.batch(() => {
      for (const ref of sealed.values()) index.recordSealed(ref);
      versions.record(item, parts, false);
    });
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

  /** Writes the sealed chunk into the area; the caller records the returned ref in the index. */
  async #sealIntoArea(item: Item, id: string, chunk: Buffer): Promise<PartRef> {
    const compress = this.#deps.settings.get().compress && !PRECOMPRESSED_KINDS.has(item.kind);
    const sealed = this.#deps.keys.sealPart(chunk, { compress, id });
    await this.#deps.area.write(id, sealed.bytes);
    return { id, size: sealed.bytes.length, sha256: sealed.sha256 };
  }
}
