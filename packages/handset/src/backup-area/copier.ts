import { Chunker, PRECOMPRESSED_KINDS } from '@phonesafe/protocol';
import { fileChunks, type OwnerKeys } from '@phonesafe/protocol/node';
import type { MemoryStore, Item } from '../memory/memory-store.ts';
import type { SettingsStore } from '../settings/settings.ts';
import type { BackupArea } from './backup-area.ts';
import type { PartIndex } from './part-index.ts';
import type { Profile, ProfilePart } from './profile.ts';

export interface CopierDeps {
  keys: OwnerKeys;
  memory: MemoryStore;
  area: BackupArea;
  index: PartIndex;
  profile: Profile;
  settings: SettingsStore;
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

  async copy(item: Item): Promise<void> {
    const { index, profile } = this.#deps;
    const parts: ProfilePart[] = [];
    for await (const { id, chunk } of this.#chunks(item)) {
      if (!index.ref(id)) await this.#sealIntoArea(item, id, chunk);
      parts.push({ id, plainSize: chunk.length });
    }
    profile.record(item, parts, false);
  }

  /** Copies the item's current version unless it has a copy already; see Profile.uncopiedItemIds. */
  async copyIfMissing(itemId: string): Promise<void> {
    const item = this.#deps.memory.byId(itemId);
    if (item && !item.offloaded && !this.#deps.profile.get({ itemId, version: item.version })) await this.copy(item);
  }

  /**
   * Seals again the chunks `wanted` of an item's current content, for parts
   * the center has lost (pruned after its backup was deleted) and whose copy
   * already left the backup area.
   */
  async reseal(item: Item, wanted: ReadonlySet<string>): Promise<void> {
    for await (const { id, chunk } of this.#chunks(item)) {
      if (wanted.has(id)) await this.#sealIntoArea(item, id, chunk);
    }
  }

  /** Chunks are views into a reused window (see fileChunks): sealed at once, never kept. */
  async *#chunks(item: Item): AsyncGenerator<{ id: string; chunk: Buffer }> {
    for await (const chunk of fileChunks(this.#chunker, this.#deps.memory.contentPath(item.id))) {
      yield { id: this.#deps.keys.partId(chunk), chunk };
    }
  }

  async #sealIntoArea(item: Item, id: string, chunk: Buffer): Promise<void> {
    const compress = this.#deps.settings.get().compress && !PRECOMPRESSED_KINDS.has(item.kind);
    const sealed = this.#deps.keys.sealPart(chunk, { compress, id });
    await this.#deps.area.write(id, sealed.bytes);
    this.#deps.index.recordSealed({ id, size: sealed.bytes.length, sha256: sealed.sha256 });
  }
}
