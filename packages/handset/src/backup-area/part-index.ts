import type { PartRef } from '@phonesafe/protocol';
import type { HandsetDb } from '../db/database.ts';

interface PartRow {
  id: string;
  sealed_size: number;
  sha256: string;
}

/**
 * The one sealed copy of each part id this handset uses, and whether the
 * center is known to hold it. Sealing is randomised, so a part sealed twice
 * has two different hashes; the center keeps the first it receives and the
 * end notice must name exactly that one — hence one ref per id, here.
 */
export class PartIndex {
  readonly #db: HandsetDb;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  ref(id: string): PartRef | undefined {
    const row = this.#db.get<PartRow>('SELECT id, sealed_size, sha256 FROM parts WHERE id = ?', id);
    return row && { id: row.id, size: row.sealed_size, sha256: row.sha256 };
  }

  /** Runs `fn` (synchronous) as one transaction, with what it writes to other tables of the handset's database. */
  batch<T>(fn: () => T): T {
    return this.#db.transaction(fn);
  }

  /** A freshly sealed copy written to the backup area. */
  recordSealed(ref: PartRef): void {
    this.#upsert(ref, 0);
  }

  /** The center acknowledged (or already holds) exactly this sealed copy. */
  recordAtCenter(ref: PartRef): void {
    this.#upsert(ref, 1);
  }

  /** The center said it lacks these (e.g. pruned after a backup was deleted). */
  markMissing(ids: readonly string[]): void {
    this.#db.transaction(() => {
      for (const id of ids) this.#db.run('UPDATE parts SET at_center = 0 WHERE id = ?', id);
    });
  }

  /** recordAtCenter for many acknowledgements, in one transaction. */
  recordAllAtCenter(refs: readonly PartRef[]): void {
    this.#db.transaction(() => {
      for (const ref of refs) this.#upsert(ref, 1);
    });
  }

  /** Parts waiting in the backup area: count and sealed bytes. */
  pending(): { parts: number; bytes: number } {
    const row = this.#db.get<{ parts: number; bytes: number | null }>(
      'SELECT count(*) AS parts, sum(sealed_size) AS bytes FROM parts WHERE at_center = 0',
    );
    return { parts: row?.parts ?? 0, bytes: row?.bytes ?? 0 };
  }

  /** Sealed bytes of those of `ids` still waiting to be sent. */
  pendingBytesOf(ids: readonly string[]): number {
    const row = this.#db.get<{ bytes: number | null }>(
      'SELECT sum(sealed_size) AS bytes FROM parts WHERE at_center = 0 AND id IN (SELECT value FROM json_each(?))',
      JSON.stringify(ids),
    );
    return row?.bytes ?? 0;
  }

  /**
   * Forgets parts that no profile row needs and the center does not hold,
   * then returns the ids whose backup-area copy must stay: those still
   * waiting to be sent. Every other copy in the area may be deleted.
   */
  settle(): Set<string> {
    return this.#db.transaction(() => {
      this.#db.run('DELETE FROM parts WHERE at_center = 0 AND NOT EXISTS (SELECT 1 FROM profile_parts pp WHERE pp.part_id = parts.id)');
      return new Set(this.#db.all<{ id: string }>('SELECT id FROM parts WHERE at_center = 0').map((row) => row.id));
    });
  }

  /**
   * Forgets every part no profile row uses, held at the center or not. After
   * a rescue erase the index must not keep saying which chunks this handset
   * held: part ids are keyed hashes, and the key stays on the handset (R3).
   * Then settle() frees their backup-area copies.
   */
  forgetUnused(): void {
    this.#db.run('DELETE FROM parts WHERE NOT EXISTS (SELECT 1 FROM profile_parts pp WHERE pp.part_id = parts.id)');
  }

  /** Every part: their ids are keyed by an owner's key the handset no longer has (identity/unenroll.ts). */
  clear(): void {
    this.#db.run('DELETE FROM parts');
  }

  #upsert(ref: PartRef, atCenter: 0 | 1): void {
    this.#db.run(
      `INSERT INTO parts (id, sealed_size, sha256, at_center) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET sealed_size = excluded.sealed_size, sha256 = excluded.sha256, at_center = excluded.at_center`,
      ref.id,
      ref.size,
      ref.sha256,
      atCenter,
    );
  }
}
