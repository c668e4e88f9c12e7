/** What a sync session did, as the CLI prints it: the exact items that crossed the wire (FIG 16's assertion). */
import type { Clock, DataKind, SyncReason, TerminalFilters } from '@phonesafe/protocol';
import type { Item } from '../memory/memory.ts';
import type { Memory } from '../memory/memory.ts';
import type { Session } from '../session.ts';
import type { SyncRecords } from './sync-records.ts';

export interface SyncResult {
  number: string;
  terminalId: string;
  reason: SyncReason;
  /** The kinds this terminal syncs (the center's answer). */
  kinds: DataKind[];
  direction: 'both' | 'up' | 'down';
  /** Paths sent as additions or changes. */
  uploaded: string[];
  /** Paths sent as deletions. */
  uploadedDeletions: string[];
  /** Paths received as additions or changes. */
  downloaded: string[];
  /** Paths received as deletions (and deleted here). */
  downloadedDeletions: string[];
  /** Keep-both conflicts: the other terminal's version at `path`, this one's at `copy`. */
  conflicts: Array<{ path: string; copy: string | null; kind: 'edit-edit' | 'edit-delete' | 'delete-edit' }>;
  /** The cursor after the session. */
  cursor: number;
  /** S10: a cap stopped the session early; what is left stays pending for the next one. */
  capped: boolean;
}

/**
 * S10's caps on one session: the upload sends changes in order while their
 * bytes fit `maxBytes` (a change that does not fit waits, and so do the ones
 * after it) and starts no page once the handset's clock passes `until`
 * (epoch ms); a capped session skips its download. Null: no cap.
 */
export interface SessionLimits {
  maxBytes: number | null;
  until: number | null;
}

/** How the engine writes the memory: saves and deletions as the owner's own (memory/memory-io.ts). */
export interface MemoryWriter {
  saveBytes(path: string, content: Uint8Array): Promise<Item>;
  deleteItem(path: string): Promise<Item>;
  /** Removes items from the memory without it being the owner's deletion; `within` runs in the same transaction. */
  eraseItems(items: readonly Item[], within: () => void): Promise<void>;
}

export interface EngineDeps {
  records: SyncRecords;
  memory: Memory;
  writer: MemoryWriter;
  clock: Clock;
  session: Session;
}

/** One open session: its id, the subscriber, the unwrapped collection keys of the terminal's kinds. */
export interface OpenSession {
  sessionId: string;
  number: string;
  terminalId: string;
  snapshot: number;
  cursor: number;
  kinds: DataKind[];
  /** The terminal's filters; the upload applies them here, where the paths are (the center applies them to the download). */
  filters: TerminalFilters;
  keys: Map<DataKind, Buffer>;
}
