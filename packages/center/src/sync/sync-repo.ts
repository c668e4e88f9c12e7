/** The user area's storage port (S5, S8). Contracts common to every repository: center-store.ts. */
import type { ChangeResult, DataKind, DownChange, UpChange } from '@phonesafe/protocol';

/**
 * What a session downloads beyond its kinds (sync.md "Filters"), fixed at its
 * start: items below one of `folders` (none: any folder), changed at or after
 * `since` (null: any time). Tombstones always pass: a terminal that never
 * held the item skips them.
 */
export interface DownFilter {
  folders: string[];
  since: string | null;
}

export interface SessionRow {
  id: string;
  subscriberId: string;
  terminalId: string;
  handsetId: string;
  snapshot: number;
  kinds: DataKind[];
  filter: DownFilter;
  direction: 'both' | 'up' | 'down';
  reason: string;
  openedAt: string;
  endedAt: string | null;
}

export interface AreaRow {
  guid: string;
  kind: DataKind;
  version: number;
  seq: number;
  deleted: boolean;
  originTerminal: string;
  header: string | null;
}

export interface DownQuery {
  subscriberId: string;
  terminalId: string;
  after: number;
  upTo: number;
  kinds: DataKind[];
  filter: DownFilter;
}

export interface SyncRepo {
  /** The last sequence number given in the subscriber's area (0 when none). */
  lastSeq(subscriberId: string): Promise<number>;
  /**
   * Applies changes in one transaction under the subscriber's counter row
   * lock: each change whose baseVersion is the item's current version (0:
   * no such item) is written with the next sequence number and version + 1;
   * any other is answered with the current version and written not at all.
   */
  apply(subscriberId: string, terminalId: string, changes: readonly UpChange[], at: string): Promise<ChangeResult[]>;
  /**
   * The download page (sync.md): changes with after < seq <= upTo, of
   * `kinds` and through `filter`, whose latest change is not `terminalId`'s
   * own unless it is at or below the terminal's refill mark (a collective
   * erase); in seq order.
   */
  changesSince(q: DownQuery & { limit: number }): Promise<DownChange[]>;
  pendingCount(q: DownQuery): Promise<number>;
  cursor(subscriberId: string, terminalId: string): Promise<number>;
  /** Moves the cursor forward only (a late or repeated end never moves it back). */
  advanceCursor(subscriberId: string, terminalId: string, cursor: number, at: string): Promise<number>;
  cursors(subscriberId: string): Promise<Map<string, { cursor: number; lastSyncAt: string }>>;
  /** Back to 0: the terminal's kinds or filters changed, so it must see every item they let through again ([0067]). */
  rewindCursor(subscriberId: string, terminalId: string): Promise<void>;
  /**
   * S9: the terminal erased its copy of the area, so back to 0, and its own
   * changes through `through` come down again too (the refill mark). Idempotent.
   */
  refill(subscriberId: string, terminalId: string, through: number, at: string): Promise<void>;
  openSession(row: SessionRow): Promise<void>;
  session(id: string): Promise<SessionRow | undefined>;
  endSession(id: string, at: string): Promise<void>;
  /** Every row of the area, bodies left out, in seq order. */
  area(subscriberId: string): Promise<AreaRow[]>;
}
