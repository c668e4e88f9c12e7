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
  /** B9: the content lives only at the center; the row is a stub. */
  offloaded: boolean;
  /** For a stub: what the owner sees instead of the content (first line, or kind and size). */
  summary: string | null;
}

interface ItemRow {
  id: string;
  path: string;
  kind: DataKind;
  version: number;
  size: number;
  sha256: string;
  modified_at: string;
  offloaded: number;
  summary: string | null;
}

const COLUMNS = 'id, path, kind, version, size, sha256, modified_at';
const READ_COLUMNS = `${COLUMNS}, offloaded, summary`;

/**
 * The handset's memory: item rows in handset.db, content in DIR/memory/<id>.
 * Content is staged in a temporary file first and renamed over the old one,
 * so an item always has complete content of some version.
 */
export class Memory {
  readonly #db: HandsetDb;
  readonly #dir: string;
  readonly #clock: Clock;

  constructor(db: HandsetDb, dir: string, clock: Clock) {
    this.#db = db;
    this.#dir = dir;
    this.#clock = clock;
  }

  byPath(path: string): Item | undefined {
    const row = this.#db.get<ItemRow>(`SELECT ${READ_COLUMNS} FROM items WHERE path = ?`, path);
    return row && toItem(row);
  }

  byId(id: string): Item | undefined {
    const row = this.#db.get<ItemRow>(`SELECT ${READ_COLUMNS} FROM items WHERE id = ?`, id);
    return row && toItem(row);
  }

  /** Every item, in path order. */
  list(): Item[] {
    return this.#db.all<ItemRow>(`SELECT ${READ_COLUMNS} FROM items ORDER BY path`).map(toItem);
  }

  count(): number {
    return this.#db.get<{ n: number }>('SELECT count(*) AS n FROM items')?.n ?? 0;
  }

  /** The stubs (B9), in path order. */
  offloaded(): Item[] {
    return this.#db.all<ItemRow>(`SELECT ${READ_COLUMNS} FROM items WHERE offloaded = 1 ORDER BY path`).map(toItem);
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

  /**
   * Makes staged content the new version of the item at `path` (a new item
   * if the path is new, present again if it was offloaded). `modifiedAt` is
   * the file's own time (an import's mtime, a restored file's time from the
   * manifest); without one, now.
   */
  async commit(path: string, staged: StagedFile, modifiedAt?: string): Promise<Item> {
    const previous = this.byPath(path);
    const item: Item = {
      offloaded: false,
      summary: null,
      id: previous?.id ?? randomUUID(),
      path,
      kind: kindOfPath(path),
      version: (previous?.version ?? 0) + 1,
      size: staged.size,
      sha256: staged.sha256,
      modifiedAt: modifiedAt ?? this.#clock.now().toISOString(),
    };
    await rename(staged.path, this.contentPath(item.id));
    this.#db.run(
      `INSERT INTO items (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version, size = excluded.size,
         sha256 = excluded.sha256, modified_at = excluded.modified_at, offloaded = 0, summary = NULL`,
      item.id,
      item.path,
      item.kind,
      item.version,
      item.size,
      item.sha256,
      item.modifiedAt,
    );
    return item;
  }

  /** B9: the row becomes a stub (see offload/offload.ts for why this comes before the content goes). */
  markOffloaded(id: string, summary: string): void {
    this.#db.run('UPDATE items SET offloaded = 1, summary = ? WHERE id = ?', summary, id);
  }

  /** Deletes the item's row (a rescue erase); its content file goes afterwards with removeContent. */
  removeRow(id: string): void {
    this.#db.run('DELETE FROM items WHERE id = ?', id);
  }

  /** Deletes a stub's content file; also clears one a failed offload left behind. */
  removeContent(id: string): Promise<void> {
    return rm(this.contentPath(id), { force: true });
  }

  /** B9 fetch: the stub's own version comes back (same version, same hash: nothing changed for backups). */
  async unoffload(id: string, staged: StagedFile): Promise<void> {
    await rename(staged.path, this.contentPath(id));
    this.#db.run('UPDATE items SET offloaded = 0, summary = NULL WHERE id = ?', id);
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
    offloaded: row.offloaded === 1,
    summary: row.summary,
  };
}
