/** The restore orders' storage port. The contracts every repository keeps are stated in center-store.ts. */
import type { DataKind, ErrorCode, OverwritePolicy, RestoreStatus } from '@phonesafe/protocol';

export interface RestoreRow {
  id: string;
  ownerId: string;
  backupId: string;
  handsetId: string;
  kinds: DataKind[] | null;
  /** Honoured only when `placedBy` is 'owner': only the owner may have a backup deleted. */
  deleteAfter: boolean;
  overwrite: OverwritePolicy;
  /** Who placed the order; null for orders stored before this was recorded (they never delete). */
  placedBy: 'owner' | 'handset' | null;
  status: RestoreStatus;
  requestedAt: string;
  completedAt: string | null;
  /** Failed tries the destination reported. */
  attempts: number;
  lastCode: ErrorCode | null;
  /** A pending order is offered to its handset only from this time on; null: now. */
  nextTryAt: string | null;
}

/** What a failure report or a cancel may change on a restore order. */
export type RestoreUpdate = Partial<Pick<RestoreRow, 'status' | 'attempts' | 'lastCode' | 'nextTryAt' | 'completedAt'>>;

export interface RestoreRepo {
  create(row: RestoreRow): Promise<void>;
  find(ownerId: string, id: string): Promise<RestoreRow | undefined>;
  /** The handset's pending orders due at `now` (next_try_at null or <= now), oldest first. */
  listPending(handsetId: string, now: string): Promise<RestoreRow[]>;
  /** The owner's orders in any status, newest first, at most `limit`. */
  listByOwner(ownerId: string, limit?: number): Promise<RestoreRow[]>;
  /** pending → completed; no change (and false) when the order is no longer pending. */
  complete(id: string, at: string): Promise<boolean>;
  /**
   * The one other way an order changes: `UPDATE … WHERE id = ? AND status = ?
   * AND attempts = ?`, so two reports of one try count once. Answers the new
   * row, or undefined (nothing changed) when the row has moved on.
   */
  transition(match: { id: string; status: RestoreStatus; attempts: number }, update: RestoreUpdate): Promise<RestoreRow | undefined>;
}
