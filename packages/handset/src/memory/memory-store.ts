import { randomUUID } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { kindOfPath, type Clock, type DataKind } from '@phonesafe/protocol';
import type { HandsetDb } from '../db/database.ts';
import { stageStream, type StagedFile } from '../util/atomic-file.ts';

/** A data item in the handset's memory, at its current version. */
export interface Item {
  id: string;
  /** '/'-separated relative path, as imported. */
  path: string;
  kind: DataKind;
  /** Serial version: 1 when first saved, +1 on every change of content. */
  version: number;
  size: number;
  sha256: string;
  modifiedAt: string;
}

interface ItemRow {
  id: string;
  path: string;
  kind: DataKind;
  version: number;
  size: number;
  sha256: string;
  modified_at: string;
}

const COLUMNS = 'id, path, kind, version, size, sha256, modified_at';

/**
 * The handset's memory: item rows in handset.db, content in DIR/memory/<id>.
 * Content is staged in a temporary file first and renamed over the old one,
 * so an item always has complete content of some version.
 */
export class MemoryStore {
  readonly #db: HandsetDb;
  readonly #dir: string;
  readonly #clock: Clock;

  constructor(db: HandsetDb, dir: string, clock: Clock) {
    this.#db = db;
    this.#dir = dir;
    this.#clock = clock;
  }

  byPath(path: string): Item | undefined {
    const row = this.#db.get<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE path = ?`, path);
    return row && toItem(row);
  }

  byId(id: string): Item | undefined {
    const row = this.#db.get<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE id = ?`, id);
    return row && toItem(row);
  }

  /** Every item, in path order. */
  list(): Item[] {
    return this.#db.all<ItemRow>(`SELECT ${COLUMNS} FROM items ORDER BY path`).map(toItem);
  }

  count(): number {
    return this.#db.get<{ n: number }>('SELECT count(*) AS n FROM items')?.n ?? 0;
  }

  contentPath(id: string): string {
    return join(this.#dir, id);
  }

  /** Writes new content aside; nothing changes until `commit`. */
  stage(source: AsyncIterable<Uint8Array>): Promise<StagedFile> {
    return stageStream(this.#dir, source);
  }

  discard(staged: StagedFile): Promise<void> {
    return rm(staged.path, { force: true });
  }

  /** Makes staged content the new version of the item at `path` (a new item if the path is new). */
  async commit(path: string, staged: StagedFile): Promise<Item> {
    const previous = this.byPath(path);
    const item: Item = {
      id: previous?.id ?? randomUUID(),
      path,
      kind: kindOfPath(path),
      version: (previous?.version ?? 0) + 1,
      size: staged.size,
      sha256: staged.sha256,
      modifiedAt: this.#clock.now().toISOString(),
    };
    await rename(staged.path, this.contentPath(item.id));
    this.#db.run(
      `INSERT INTO items (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, size = excluded.size,
         sha256 = excluded.sha256, modified_at = excluded.modified_at`,
      item.id, item.path, item.kind, item.version, item.size, item.sha256, item.modifiedAt,
    );
    return item;
  }
}

function toItem(row: ItemRow): Item {
  return {
    id: row.id,
    path: row.path,
    kind: row.kind,
    version: row.version,
    size: row.size,
    sha256: row.sha256,
    modifiedAt: row.modified_at,
  };
}
