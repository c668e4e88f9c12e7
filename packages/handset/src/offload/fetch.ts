import { PhoneSafeError, type ManifestFile } from '@phonesafe/protocol';
import { fileContent, partsOneByOne } from '@phonesafe/protocol/node';
import type { Profile } from '../backup-area/profile.ts';
import type { MemoryStore } from '../memory/memory-store.ts';
import type { Session } from '../session.ts';
import type { Serial } from '../util/serial.ts';

export interface FetchDeps {
  session: Session;
  writes: Serial;
  memory: MemoryStore;
  profile: Profile;
}

export interface FetchResult {
  path: string;
  size: number;
  /** False when the item was on the handset already. */
  fetched: boolean;
}

/**
 * B9 on demand: brings an offloaded item's content back from the center,
 * from the parts its profile record lists. The content is checked part by
 * part and as a whole (fileContent), and its SHA-256 against the item's
 * before it replaces the stub; until then the stub is untouched.
 */
export async function fetchItem(deps: FetchDeps, itemIdOrPath: string): Promise<FetchResult> {
  const item = deps.memory.byId(itemIdOrPath) ?? deps.memory.byPath(itemIdOrPath);
  if (!item) throw new PhoneSafeError('NOT_FOUND', `no item ${JSON.stringify(itemIdOrPath)} on this handset`);
  if (!item.offloaded) return { path: item.path, size: item.size, fetched: false };
  const entry = deps.profile.get({ itemId: item.id, version: item.version });
  if (!entry) throw new PhoneSafeError('LOCAL_IO', `${item.path} is offloaded but its profile record is gone`);

  const file: ManifestFile = {
    path: item.path,
    kind: item.kind,
    itemId: item.id,
    version: item.version,
    size: item.size,
    sha256: item.sha256,
    modifiedAt: item.modifiedAt,
    parts: entry.parts.map((part) => ({ id: part.id, size: part.plainSize })),
  };
  const { client, keys } = deps.session;
  const staged = await deps.memory.stage(fileContent(partsOneByOne(client), keys, file));
  if (staged.sha256 !== item.sha256 || staged.size !== item.size) {
    await deps.memory.discard(staged);
    throw new PhoneSafeError('PART_DAMAGED', `${item.path}: fetched content does not match the item's checksum`);
  }
  const placed = await deps.writes.run(async () => {
    const current = deps.memory.byId(item.id);
    // Saved again meanwhile: the new content stands and the fetched copy is not needed.
    if (!current?.offloaded || current.version !== item.version) return false;
    await deps.memory.unoffload(item.id, staged);
    return true;
  });
  if (!placed) await deps.memory.discard(staged);
  return { path: item.path, size: item.size, fetched: placed };
}
