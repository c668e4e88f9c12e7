/**
 * The card's memory of work in flight and of the safes it trusts: journal
 * rows for a deposit (its key and signed record) or a release (its id),
 * written before the request is sent so a crash is finished with the same
 * keys; and the pinned safes (docs/design/safes.md, "Parties and keys").
 */
import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import type { HandsetDb } from '../db/database.ts';

export interface JournalRow {
  id: string;
  kind: 'deposit' | 'release';
  pointer: number;
  safe_id: string;
  request: string;
  stage: string;
  created_at: string;
}

export interface PinnedSafe {
  safe_id: string;
  url: string;
  name: string;
  sign_pub: string;
  box_pub: string;
  owner_ref: string | null;
  /** PEM the safe's HTTPS certificate must chain to (its CA, or its own self-signed certificate); null: the system's CAs. */
  ca: string | null;
  pinned_at: string;
}

export class CardJournal {
  readonly #db: HandsetDb;
  readonly #clock: Clock;

  constructor(db: HandsetDb, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  find(kind: JournalRow['kind'], pointer: number): JournalRow | undefined {
    return this.#db.get<JournalRow>('SELECT * FROM journal WHERE kind = ? AND pointer = ?', kind, pointer);
  }

  pending(kind: JournalRow['kind']): JournalRow[] {
    return this.#db.all<JournalRow>('SELECT * FROM journal WHERE kind = ? ORDER BY created_at', kind);
  }

  write(row: Omit<JournalRow, 'created_at'>): void {
    this.#db.run(
      'INSERT INTO journal (id, kind, pointer, safe_id, request, stage, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET stage = excluded.stage',
      row.id,
      row.kind,
      row.pointer,
      row.safe_id,
      row.request,
      row.stage,
      this.#clock.now().toISOString(),
    );
  }

  stage(id: string, stage: string): void {
    this.#db.run('UPDATE journal SET stage = ? WHERE id = ?', stage, id);
  }

  done(id: string): void {
    this.#db.run('DELETE FROM journal WHERE id = ?', id);
  }

  safes(): PinnedSafe[] {
    return this.#db.all<PinnedSafe>('SELECT * FROM safes ORDER BY pinned_at, url');
  }

  safeByUrl(url: string): PinnedSafe | undefined {
    return this.#db.get<PinnedSafe>('SELECT * FROM safes WHERE url = ?', url);
  }

  safe(safeId: string): PinnedSafe {
    const safe = this.#db.get<PinnedSafe>('SELECT * FROM safes WHERE safe_id = ?', safeId);
    if (!safe) throw new PhoneSafeError('NOT_FOUND', `the card has no pinned safe ${safeId}`);
    return safe;
  }

  pin(safe: Omit<PinnedSafe, 'pinned_at' | 'owner_ref'>): void {
    this.#db.run(
      'INSERT INTO safes (safe_id, url, name, sign_pub, box_pub, ca, pinned_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      safe.safe_id,
      safe.url,
      safe.name,
      safe.sign_pub,
      safe.box_pub,
      safe.ca,
      this.#clock.now().toISOString(),
    );
  }

  /** A new CA for a safe already pinned (its signing key stays pinned and is still checked). */
  setCa(safeId: string, ca: string): void {
    this.#db.run('UPDATE safes SET ca = ? WHERE safe_id = ?', ca, safeId);
  }

  setOwnerRef(safeId: string, ownerRef: string): void {
    this.#db.run('UPDATE safes SET owner_ref = ? WHERE safe_id = ?', ownerRef, safeId);
  }
}
