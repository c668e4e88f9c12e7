import type { DataKind } from '@phonesafe/protocol';
import type { HandsetDb } from '../db/database.ts';
import type { Item } from '../memory/memory.ts';

export interface VersionPart {
  id: string;
  plainSize: number;
}

/**
 * The B2 "profile" of the spec (tables `profile` and `profile_parts`), named
 * version records in the code so it is not mistaken for the pc's remembered
 * login (pc/src/profile.ts). A record: one backed-up version of an item, the parts it is made
 * of (their sealed size and hash live in the PartIndex) and whether a
 * committed backup has sent it.
 */
export interface VersionRecord {
  itemId: string;
  version: number;
  path: string;
  kind: DataKind;
  size: number;
  sha256: string;
  modifiedAt: string;
  sent: boolean;
  parts: VersionPart[];
}

export interface VersionKey {
  itemId: string;
  version: number;
}

interface VersionRow {
  item_id: string;
  version: number;
  path: string;
  kind: DataKind;
  size: number;
  sha256: string;
  modified_at: string;
  sent: number;
}

const COLUMNS = 'item_id, version, path, kind, size, sha256, modified_at, sent';

/** The `profile` and `profile_parts` tables: every recorded version of every item, and its parts. */
export class VersionRecords {
  readonly #db: HandsetDb;

  constructor(db: HandsetDb) {
    this.#db = db;
  }

  /** Records the version's parts; `sent` is true for versions that came from the center. */
  record(item: Item, parts: readonly VersionPart[], sent: boolean): void {
    this.#db.transaction(() => {
      this.#db.run('DELETE FROM profile WHERE item_id = ? AND version = ?', item.id, item.version);
      this.#db.run(
        `INSERT INTO profile (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        item.id,
        item.version,
        item.path,
        item.kind,
        item.size,
        item.sha256,
        item.modifiedAt,
        sent ? 1 : 0,
      );
      parts.forEach((part, seq) => {
        this.#db.run(
          'INSERT INTO profile_parts (item_id, version, seq, part_id, plain_size) VALUES (?, ?, ?, ?, ?)',
          item.id,
          item.version,
          seq,
          part.id,
          part.plainSize,
        );
      });
    });
  }

  get(key: VersionKey): VersionRecord | undefined {
    const row = this.#db.get<VersionRow>(`SELECT ${COLUMNS} FROM profile WHERE item_id = ? AND version = ?`, key.itemId, key.version);
    return row && this.#entry(row);
  }

  /** Ids of items whose current version has no backup copy yet (saved before enrollment, or interrupted). */
  uncopiedItemIds(): string[] {
    return this.#db
      .all<{ id: string }>(
        'SELECT id FROM items i WHERE NOT EXISTS (SELECT 1 FROM profile p WHERE p.item_id = i.id AND p.version = i.version) ORDER BY path',
      )
      .map((row) => row.id);
  }

  /** The newest recorded version of every item of these kinds: what a backup started now contains. */
  newest(kinds: readonly DataKind[]): VersionRecord[] {
    const newest = `SELECT item_id, version FROM profile p
       WHERE kind IN (SELECT value FROM json_each(?))
         AND version = (SELECT max(version) FROM profile q WHERE q.item_id = p.item_id)`;
    return this.#records(newest, JSON.stringify(kinds));
  }

  /** The records of these versions, in the order asked; a key without a record is left out. */
  getMany(keys: readonly VersionKey[]): Map<string, VersionRecord> {
    const asked = `SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)`;
    const records = this.#records(asked, JSON.stringify(keys.map((key) => [key.itemId, key.version])));
    return new Map(records.map((record) => [versionKeyOf(record), record]));
  }

  /** Records whose (item_id, version) the `keys` query selects, with their parts: two queries, not one per version (a phone has tens of thousands). */
  #records(keys: string, param: string): VersionRecord[] {
    const rows = this.#db.all<VersionRow>(`SELECT ${COLUMNS} FROM profile WHERE (item_id, version) IN (${keys}) ORDER BY path`, param);
    const parts = new Map<string, VersionPart[]>();
    const partRows = this.#db.all<{ item_id: string; version: number; part_id: string; plain_size: number }>(
      `SELECT item_id, version, part_id, plain_size FROM profile_parts WHERE (item_id, version) IN (${keys}) ORDER BY item_id, version, seq`,
      param,
    );
    for (const p of partRows) {
      const key = versionKeyOf({ itemId: p.item_id, version: p.version });
      let list = parts.get(key);
      if (!list) parts.set(key, (list = []));
      list.push({ id: p.part_id, plainSize: p.plain_size });
    }
    return rows.map((row) => toRecord(row, parts.get(versionKeyOf({ itemId: row.item_id, version: row.version })) ?? []));
  }

  /**
   * After a completion notice: these versions are sent, and the versions
   * before them (sent or not) are no longer needed.
   */
  markSent(keys: readonly VersionKey[]): void {
    this.#db.transaction(() => {
      for (const { itemId, version } of keys) {
        this.#db.run('UPDATE profile SET sent = 1 WHERE item_id = ? AND version = ?', itemId, version);
        this.#db.run('DELETE FROM profile WHERE item_id = ? AND version < ?', itemId, version);
      }
    });
  }

  /** Every recorded version of an item (its parts go with them): the item was erased (rescue/erase.ts). */
  forgetItem(itemId: string): void {
    this.#db.run('DELETE FROM profile WHERE item_id = ?', itemId);
  }

  /** Every recorded version: the owner's key they were sealed with is gone (identity/unenroll.ts). */
  clear(): void {
    this.#db.run('DELETE FROM profile');
  }

  /** Versions waiting to be sent (for the handset's status). */
  unsentCount(): number {
    return this.#db.get<{ n: number }>('SELECT count(*) AS n FROM profile WHERE sent = 0')?.n ?? 0;
  }

  #entry(row: VersionRow): VersionRecord {
    const parts = this.#db
      .all<{ part_id: string; plain_size: number }>(
        'SELECT part_id, plain_size FROM profile_parts WHERE item_id = ? AND version = ? ORDER BY seq',
        row.item_id,
        row.version,
      )
      .map((p) => ({ id: p.part_id, plainSize: p.plain_size }));
    return toRecord(row, parts);
  }
}

/** A map key for a version. */
export function versionKeyOf(key: VersionKey): string {
  return `${key.itemId}\0${key.version}`;
}

function toRecord(row: VersionRow, parts: VersionPart[]): VersionRecord {
  return {
    itemId: row.item_id,
    version: row.version,
    path: row.path,
    kind: row.kind,
    size: row.size,
    sha256: row.sha256,
    modifiedAt: row.modified_at,
    sent: row.sent === 1,
    parts,
  };
}
