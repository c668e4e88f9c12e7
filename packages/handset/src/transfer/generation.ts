import { PhoneSafeError, type DataKind, type EndNotice, type Manifest, type PartRef } from '@phonesafe/protocol';
import type { OwnerKeys } from '@phonesafe/protocol/node';
import type { ProfileEntry } from '../backup-area/profile.ts';
import type { Identity } from '../identity/identity-store.ts';
import type { OpenBackup } from './open-backup.ts';

/**
 * What a backup generation (the profile entries fixed at its start) says to
 * the center: its part ids, its sealed manifest's content, its end notice.
 */

/** Every part of the generation, once. */
export function partIdsOf(entries: readonly ProfileEntry[]): string[] {
  return [...new Set(entries.flatMap((entry) => entry.parts.map((part) => part.id)))];
}

/** The sealed manifest's content: names, kinds and sizes travel only inside it; `complete`: the kinds it covers completely. */
export function manifestOf(
  identity: Identity,
  open: OpenBackup,
  complete: readonly DataKind[],
  entries: readonly ProfileEntry[],
): Manifest {
  return {
    format: 'phonesafe-manifest',
    version: 1,
    handsetId: identity.handsetId,
    handsetName: identity.name,
    createdAt: open.startedAt,
    kinds: open.kinds,
    complete: [...complete],
    files: entries.map((entry) => ({
      path: entry.path,
      kind: entry.kind,
      itemId: entry.itemId,
      version: entry.version,
      size: entry.size,
      sha256: entry.sha256,
      modifiedAt: entry.modifiedAt,
      parts: entry.parts.map((part) => ({ id: part.id, size: part.plainSize })),
    })),
  };
}

/**
 * The end notice: every part of the generation once, and every file by its
 * keyed path ref with the sealed size of its parts (repeats included, as the
 * center sums them).
 */
export function endNoticeOf(
  keys: OwnerKeys,
  manifest: PartRef,
  entries: readonly ProfileEntry[],
  refOf: (id: string) => PartRef | undefined,
): EndNotice {
  const ref = (id: string) => {
    const found = refOf(id);
    if (!found) throw new PhoneSafeError('LOCAL_IO', `part ${id} has no recorded sealed copy`);
    return found;
  };
  return {
    manifest,
    parts: partIdsOf(entries).map(ref),
    files: entries.map((entry) => ({
      ref: keys.fileRef(entry.path),
      size: entry.parts.reduce((sum, part) => sum + ref(part.id).size, 0),
      parts: entry.parts.map((part) => part.id),
    })),
  };
}
