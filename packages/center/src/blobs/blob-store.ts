/**
 * Where sealed part bytes live: the port every blob adapter implements
 * (the local file system today, local-blob-store.ts; an object store later).
 * A blob is named by its owner, its part id and the SHA-256 of its bytes, so
 * the `parts` row (which records the hash) names exactly the blob it
 * describes. The properties every adapter keeps, checked for each by
 * `test/blob-store-conformance.ts`:
 *
 * - Atomic: a reader sees a whole blob or none, never part of one, whatever
 *   happens to the writer (a crash, a full disk).
 * - Durable when `put` resolves: the commit that follows lets the handset
 *   delete its copy, so the blob must outlive a crash or power cut from then on.
 * - Idempotent: the same bytes put again land on the same name with the same
 *   content; a put over a blob whose bytes rotted repairs it. Sealing is
 *   randomised, so two uploads of one part id carry different bytes and get
 *   different names: concurrent puts, in any number of processes, never
 *   replace one another's blob. `delete` of an absent blob is a no-op.
 * - Legacy blobs, named by part id only (`sha256: null`), were written before
 *   names carried the hash. They are read as a fallback and never written.
 * - Who deletes: prune (the blobs of parts no backup references; leftovers
 *   without a row, through `deleteIfOlder`), and the part service (its own
 *   blob when another upload's row won, and the bytes a repair replaced).
 *   Nothing else deletes a blob.
 * - Out of space, `put` throws PhoneSafeError STORAGE_FULL and leaves nothing behind.
 * - Packs (storage-format.md, "Packs"): `putPack` writes many parts of one
 *   owner into one new pack, whole and durable when it resolves (one fsync),
 *   under a fresh random id it answers, never over another pack. A pack is
 *   never changed after; only prune deletes one (`deletePackIfOlder`), once
 *   no part row names it. Reads of a pack that is gone answer undefined.
 * - `cleanTemporary`, for an adapter whose interrupted writes leave
 *   something behind, removes only leftovers older than its bound, so a
 *   center starting beside a live one never deletes that one's uploads in flight.
 */
export interface BlobKey {
  ownerId: string;
  id: string;
  sha256: string;
}

/** A stored blob's name; `sha256: null` is a legacy blob. */
export interface BlobName {
  ownerId: string;
  id: string;
  sha256: string | null;
}

export interface BlobEntry extends BlobName {
  /** When its bytes were written (ISO-8601). */
  writtenAt: string;
}

/** What `/v1/health` reports of the blob store. */
export interface BlobStoreProbe {
  writable: boolean;
  /** Bytes free to the center where blobs are written; null when unknown. */
  freeBytes: number | null;
  /** Why it is not writable (an error code, never a path). */
  problem?: string;
}

/** A part's bytes to pack, and where `putPack` put them. */
export interface PackedPart {
  id: string;
  sha256: string;
  bytes: Uint8Array;
}

export interface PackEntry {
  ownerId: string;
  packId: string;
  /** When its bytes were written (ISO-8601). */
  writtenAt: string;
}

/** One pack opened for reading: slices by offset, then `close`. */
export interface PackReader {
  /** The bytes at `offset`; fewer than `size` when the pack is shorter (damage). */
  read(offset: number, size: number): Promise<Uint8Array>;
  /** The pack's length in bytes. */
  size: number;
  close(): Promise<void>;
}

export interface BlobStore {
  put(key: BlobKey, bytes: Uint8Array): Promise<void>;
  /** The bytes named by `key`, else the part's legacy blob; undefined when neither exists. Callers check the hash. */
  get(key: BlobKey): Promise<Uint8Array | undefined>;
  /** Whether any blob of this part id is stored (with any hash, or legacy). */
  has(ownerId: string, id: string): Promise<boolean>;
  /** Deletes exactly this blob; idempotent. */
  delete(name: BlobName): Promise<void>;
  /**
   * Deletes the blob only if its bytes were written before `before`; a put
   * of the same name that lands meanwhile survives. Answers whether it deleted.
   */
  deleteIfOlder(name: BlobName, before: string): Promise<boolean>;
  /** Every stored blob, in no particular order (prune's sweep for leftovers). */
  list(): AsyncIterable<BlobEntry>;
  /** Start-up hook of an adapter whose interrupted writes leave leftovers: removes those older than `before`; answers how many. */
  cleanTemporary?(before: string): Promise<number>;
  probe(): Promise<BlobStoreProbe>;
  /** Writes `parts` into one new pack, in order; answers its id and each part's offset. STORAGE_FULL leaves nothing behind. */
  putPack(ownerId: string, parts: readonly PackedPart[]): Promise<{ packId: string; offsets: number[] }>;
  /** Opens a pack for reading; undefined when it is gone. */
  openPack(ownerId: string, packId: string): Promise<PackReader | undefined>;
  /** Every pack, in no particular order (prune's sweep). */
  listPacks(): AsyncIterable<PackEntry>;
  /** Deletes the pack only if it was written before `before`; answers whether it deleted. */
  deletePackIfOlder(ownerId: string, packId: string, before: string): Promise<boolean>;
}

/** `size` bytes at `place` in a pack: undefined when the pack is gone, fewer bytes when it is short. */
export async function readPacked(
  blobs: Pick<BlobStore, 'openPack'>,
  ownerId: string,
  place: { id: string; offset: number },
  size: number,
): Promise<Uint8Array | undefined> {
  const reader = await blobs.openPack(ownerId, place.id);
  if (!reader) return undefined;
  try {
    return await reader.read(place.offset, size);
  } finally {
    await reader.close();
  }
}
