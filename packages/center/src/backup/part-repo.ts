/** The stored parts' storage port. The contracts every repository keeps are stated in center-store.ts. */
import type { PartRef } from '@phonesafe/protocol';

/** A recorded part: its ref, and whether its stored bytes were found missing or wrong. */
export interface StoredPart extends PartRef {
  damaged: boolean;
  /** The pack holding its bytes and where they begin; null: a blob file of its own. */
  pack: PackPlace | null;
}

export interface PackPlace {
  id: string;
  offset: number;
}

/** A part written into a pack, with its offset there. */
export interface PackedRef extends PartRef {
  offset: number;
}

/**
 * Prune and commit exclude each other (storage-format.md): `commit` reads the
 * parts it references under a share lock, and `removeIfUnreferenced` deletes
 * under an exclusive one after checking again; on SQLite every transaction
 * holds the database's write lock. A part answered as present is `touch`ed,
 * so prune leaves it for the grace period.
 */
export interface PartRepo {
  /** Of `ids`, the parts recorded for this owner (any order), damaged ones included. */
  findStored(ownerId: string, ids: string[]): Promise<StoredPart[]>;
  find(ownerId: string, id: string): Promise<StoredPart | undefined>;
  /**
   * The rows of a pack's parts, in ONE transaction, after the pack is
   * durable: insert-or-ignore per part, so a part another upload recorded
   * first keeps its row. Answers the ids whose rows this call inserted.
   */
  recordPacked(ownerId: string, packId: string, parts: readonly PackedRef[], createdAt: string): Promise<Set<string>>;
  /** The rows that name this pack, in offset order (verify, repack). */
  listPackParts(ownerId: string, packId: string): Promise<StoredPart[]>;
  /** Packs some row names, in pages by (owner, pack id) (verify). */
  listPacks(after: { ownerId: string; packId: string } | null, limit: number): Promise<Array<{ ownerId: string; packId: string }>>;
  /** Of `packIds`, those some row still names (prune's sweep). */
  packsNamed(ownerId: string, packIds: readonly string[]): Promise<Set<string>>;
  /**
   * Repack: in one transaction, moves each row that still names `from` with
   * the same hash to its new place in `to`; answers how many moved.
   */
  movePacked(ownerId: string, from: string, to: string, parts: readonly PackedRef[]): Promise<number>;
  /** The committed backups that reference a part, at most `limit` (verify's report). */
  backupsReferencing(ownerId: string, id: string, limit: number): Promise<string[]>;
  /** Idempotent: recording an existing (owner, id) with the same sha256 is a no-op returning 'existing'; other bytes are PART_CONFLICT. */
  record(ownerId: string, part: PartRef, createdAt: string): Promise<'new' | 'existing'>;
  /**
   * Sets `used_at` to `now` for those of `ids` last used (or, never used,
   * created) before `staleBefore`; fresher rows are not written. Waits for a
   * prune holding one of the rows, so a row found after the touch is not
   * pruned within the grace period.
   */
  touch(ownerId: string, ids: string[], staleBefore: string, now: string): Promise<void>;
  /**
   * Candidates for prune: parts no committed or open backup references, created and last used before `olderThan`.
   * (Only committed backups reference parts: `backup_parts` rows are written by the commit.)
   */
  listUnreferenced(olderThan: string): Promise<Array<{ ownerId: string; id: string }>>;
  /**
   * Prune's delete of one candidate, in one transaction: locks the row, checks
   * again that no backup references it and that it was neither created nor
   * used since `olderThan`, and deletes it. Answers the deleted row, or
   * undefined (nothing changed) when it no longer qualifies.
   */
  removeIfUnreferenced(ownerId: string, id: string, olderThan: string): Promise<(PartRef & { packId: string | null }) | undefined>;
  remove(ownerId: string, id: string): Promise<void>;
  /** How many parts of every owner there are and their bytes: `center verify`'s progress total. */
  countAll(): Promise<{ parts: number; bytes: number }>;
  /** Every part, in pages, for `center verify`. */
  listAll(afterKey: { ownerId: string; id: string } | null, limit: number): Promise<Array<{ ownerId: string } & StoredPart>>;
  /** Marks the part damaged if its row still records `sha256` (a repair may have replaced it); answers whether it changed. */
  markDamaged(ownerId: string, id: string, sha256: string): Promise<boolean>;
  /** Lifts the mark if the row still records `sha256` (its bytes checked good again); answers whether it changed. */
  clearDamaged(ownerId: string, id: string, sha256: string): Promise<boolean>;
  /**
   * A re-upload of a damaged part: sets size, sha256 (the new bytes' blob is
   * already stored), used_at, clears the mark and any pack place (the new
   * bytes are a blob file of their own), only if the row is still
   * damaged with `damagedSha256`. One conditional update, so of two repairs
   * at once exactly one wins; answers whether this one did.
   */
  repair(ownerId: string, damagedSha256: string, part: PartRef, at: string): Promise<boolean>;
  /** Parts committed backups reference that have no row (a part lost to a fault), at most `limit`. */
  listReferencedUnrecorded(limit: number): Promise<Array<{ ownerId: string; id: string; backupId: string }>>;
  totalBytes(ownerId: string): Promise<number>;
}
