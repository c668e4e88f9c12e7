/**
 * The IC card (V1, FIG 3): a store of limited capacity holding values (sign
 * A) and registration certificates (sign B) behind one index of entries
 * (pointer, sign, size, title), its keys, and the generation high-water
 * marks that outlive the values. Every change that frees or fills space is
 * one card transaction and is refused with SAFE_CARD_FULL when it does not fit.
 */
import { randomBytes } from 'node:crypto';
import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import { cardKeysFromSeed, type CardKeys } from '@phonesafe/protocol/node';
import type { HandsetDb } from '../db/database.ts';
import { openCardDb } from './card-db.ts';

export const DEFAULT_CAPACITY = 64 * 1024;
/** What each entry of the index costs besides its content. */
export const ENTRY_OVERHEAD = 16;

export type Sign = 'A' | 'B';

export interface Entry {
  pointer: number;
  sign: Sign;
  size: number;
  title: string;
}

export interface ValueRow {
  pointer: number;
  value_id: string;
  generation: number;
  class: string;
  semantics: 'bearer' | 'secret';
  valid_from: string | null;
  valid_to: string | null;
  bytes: Uint8Array;
  /** When the card began to hold it (V13 holding start): its add, or its recovery; null for a value from before the column. */
  held_since: string | null;
}

export interface CertificateRow {
  pointer: number;
  safe_id: string;
  serial: number;
  value_id: string;
  generation: number;
  class: string;
  semantics: 'bearer' | 'secret';
  owner_ref: string | null;
  valid_from: string | null;
  valid_to: string | null;
  cert_body: string;
  cert_sig: string;
  /** 1: the owner asked for it back; a recovery trigger (V16) recovers it. */
  recall: number;
  /** V6: the division this certificate is one piece of (null for a whole value), its index and the number of pieces. */
  division: string | null;
  piece_index: number | null;
  piece_count: number | null;
  /** V12: the public key (b64url) of the authentication device a release needs, or null. */
  device: string | null;
}

export type NewValue = Omit<ValueRow, 'pointer' | 'held_since'> & { title: string };
type PieceColumns = 'division' | 'piece_index' | 'piece_count' | 'device';
export type NewCertificate = Omit<CertificateRow, 'pointer' | 'recall' | PieceColumns> &
  Partial<Pick<CertificateRow, PieceColumns>> & { title: string };

export class Card {
  readonly db: HandsetDb;
  readonly keys: CardKeys;
  readonly #clock: Clock;

  private constructor(db: HandsetDb, keys: CardKeys, clock: Clock) {
    this.db = db;
    this.keys = keys;
    this.#clock = clock;
  }

  static async open(dir: string, clock: Clock): Promise<Card> {
    const db = await openCardDb(dir);
    db.run(
      'INSERT INTO card_meta (id, capacity, card_seed, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      DEFAULT_CAPACITY,
      randomBytes(32),
      clock.now().toISOString(),
    );
    const meta = db.get<{ card_seed: Uint8Array }>('SELECT card_seed FROM card_meta WHERE id = 1');
    return new Card(db, cardKeysFromSeed(Buffer.from(meta!.card_seed)), clock);
  }

  close(): void {
    this.db.close();
  }

  meta(): { capacity: number; ownerEmail: string | null; ownerSalt: string | null } {
    const m = this.db.get<{ capacity: number; owner_email: string | null; owner_salt: string | null }>(
      'SELECT capacity, owner_email, owner_salt FROM card_meta WHERE id = 1',
    )!;
    return { capacity: m.capacity, ownerEmail: m.owner_email, ownerSalt: m.owner_salt };
  }

  setCapacity(bytes: number): void {
    if (bytes < this.used())
      throw new PhoneSafeError('SAFE_CARD_FULL', `the card already uses ${this.used()} bytes`, { needBytes: this.used(), freeBytes: 0 });
    this.db.run('UPDATE card_meta SET capacity = ? WHERE id = 1', bytes);
  }

  setOwner(email: string, salt: string): void {
    this.db.run('UPDATE card_meta SET owner_email = ?, owner_salt = ? WHERE id = 1', email, salt);
  }

  used(): number {
    const row = this.db.get<{ used: number | null; n: number }>('SELECT SUM(size) AS used, COUNT(*) AS n FROM entries');
    return (row?.used ?? 0) + (row?.n ?? 0) * ENTRY_OVERHEAD;
  }

  free(): number {
    return this.meta().capacity - this.used();
  }

  entries(): Entry[] {
    return this.db.all<Entry>('SELECT pointer, sign, size, title FROM entries ORDER BY pointer');
  }

  entry(pointer: number): Entry {
    const entry = this.db.get<Entry>('SELECT pointer, sign, size, title FROM entries WHERE pointer = ?', pointer);
    if (!entry) throw new PhoneSafeError('NOT_FOUND', `the card has no entry ${pointer}`);
    return entry;
  }

  values(): ValueRow[] {
    return this.db.all<ValueRow>('SELECT * FROM card_values ORDER BY pointer');
  }

  value(pointer: number): ValueRow {
    const row = this.db.get<ValueRow>('SELECT * FROM card_values WHERE pointer = ?', pointer);
    if (!row) throw new PhoneSafeError('NOT_FOUND', `entry ${pointer} is not a value on the card`);
    return row;
  }

  valueById(valueId: string): ValueRow | undefined {
    return this.db.get<ValueRow>('SELECT * FROM card_values WHERE value_id = ?', valueId);
  }

  certificates(): CertificateRow[] {
    return this.db.all<CertificateRow>('SELECT * FROM card_certificates ORDER BY pointer');
  }

  certificate(pointer: number): CertificateRow {
    const row = this.db.get<CertificateRow>('SELECT * FROM card_certificates WHERE pointer = ?', pointer);
    if (!row) throw new PhoneSafeError('NOT_FOUND', `entry ${pointer} is not a certificate on the card`);
    return row;
  }

  /** Every certificate of one division, by piece index. */
  piecesOf(division: string): CertificateRow[] {
    return this.db.all<CertificateRow>('SELECT * FROM card_certificates WHERE division = ? ORDER BY piece_index, pointer', division);
  }

  highWater(valueId: string): number {
    return this.db.get<{ generation: number }>('SELECT generation FROM high_water WHERE value_id = ?', valueId)?.generation ?? 0;
  }

  /** Adds a value (and raises its high-water mark); `freeing` entries are deleted in the same transaction. */
  addValue(value: NewValue, freeing: number[] = []): number {
    return this.addValues([value], freeing)[0]!;
  }

  /** Adds values in one transaction (a decoupled registration), after deleting `freeing`; all or none. */
  addValues(values: readonly NewValue[], freeing: number[] = []): number[] {
    return this.db.transaction(() => {
      for (const pointer of freeing) this.db.run('DELETE FROM entries WHERE pointer = ?', pointer);
      return values.map((value) => this.#insertValue(value));
    });
  }

  #insertValue(value: NewValue): number {
    if (value.generation < this.highWater(value.value_id)) {
      throw new PhoneSafeError('SAFE_STALE_GENERATION', `the card held generation ${this.highWater(value.value_id)} of this value`);
    }
    const pointer = this.#entry('A', value.bytes.length, value.title);
    this.db.run(
      'INSERT INTO card_values (pointer, value_id, generation, class, semantics, valid_from, valid_to, bytes, held_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      pointer,
      value.value_id,
      value.generation,
      value.class,
      value.semantics,
      value.valid_from,
      value.valid_to,
      value.bytes,
      this.#clock.now().toISOString(),
    );
    this.db.run(
      'INSERT INTO high_water (value_id, generation) VALUES (?, ?) ON CONFLICT (value_id) DO UPDATE SET generation = MAX(generation, excluded.generation)',
      value.value_id,
      value.generation,
    );
    return pointer;
  }

  /** Stores a certificate, deleting `freeing` (the deposited bearer value) in the same transaction. */
  addCertificate(cert: NewCertificate, freeing: number[] = []): number {
    return this.addCertificates([cert], freeing)[0]!;
  }

  /** Stores certificates (the pieces of a divided value) and deletes `freeing`, in one transaction: all or none. */
  addCertificates(certs: readonly NewCertificate[], freeing: number[] = []): number[] {
    return this.db.transaction(() => {
      for (const pointer of freeing) this.db.run('DELETE FROM entries WHERE pointer = ?', pointer);
      return certs.map((cert) => this.#insertCertificate(cert));
    });
  }

  /** Marks certificates for the next recovery trigger (V16), or unmarks them. */
  setRecall(pointers: readonly number[], on: boolean): void {
    this.db.transaction(() => {
      for (const pointer of pointers) {
        this.certificate(pointer);
        this.db.run('UPDATE card_certificates SET recall = ? WHERE pointer = ?', on ? 1 : 0, pointer);
      }
    });
  }

  #insertCertificate(cert: NewCertificate): number {
    const pointer = this.#entry('B', cert.cert_body.length + cert.cert_sig.length, cert.title);
    this.db.run(
      `INSERT INTO card_certificates (pointer, safe_id, serial, value_id, generation, class, semantics, owner_ref, valid_from, valid_to, cert_body, cert_sig,
         division, piece_index, piece_count, device)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      pointer,
      cert.safe_id,
      cert.serial,
      cert.value_id,
      cert.generation,
      cert.class,
      cert.semantics,
      cert.owner_ref,
      cert.valid_from,
      cert.valid_to,
      cert.cert_body,
      cert.cert_sig,
      cert.division ?? null,
      cert.piece_index ?? null,
      cert.piece_count ?? null,
      cert.device ?? null,
    );
    return pointer;
  }

  delete(pointer: number): void {
    this.entry(pointer);
    this.db.run('DELETE FROM entries WHERE pointer = ?', pointer);
  }

  /** Inside a transaction: the new entry, if it fits once the deletions so far are counted. */
  #entry(sign: Sign, size: number, title: string): number {
    const need = size + ENTRY_OVERHEAD;
    const free = this.free();
    if (need > free) {
      throw new PhoneSafeError('SAFE_CARD_FULL', `the card needs ${need} bytes and has ${free} free`, { needBytes: need, freeBytes: free });
    }
    this.db.run('INSERT INTO entries (sign, size, title) VALUES (?, ?, ?)', sign, size, title);
    return this.db.get<{ id: number }>('SELECT last_insert_rowid() AS id')!.id;
  }
}
