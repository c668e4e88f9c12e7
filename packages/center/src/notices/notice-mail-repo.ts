/** The notice mail outbox's port (migration 0010). */
export interface NoticeMailRow {
  /** The notice's id: a retry is recognisably the same mail (Message-ID <notice.ID@…>). */
  id: string;
  ownerId: string;
  to: string;
  kind: string;
  subject: string;
  body: string;
  attempts: number;
}

export interface NoticeMailRepo {
  /** Queues a notice mail, to the owner's registered address (read in the same statement); due at `at`. */
  enqueue(row: Omit<NoticeMailRow, 'to' | 'attempts'>, at: string): Promise<void>;
  /**
   * Claims up to `limit` mails due at `now`, not sent: each claimed row is
   * made due again only at `leaseUntil`, in one transaction under row locks
   * (SKIP LOCKED where rows lock), so two centers never claim the same row;
   * a center that dies mid-send leaves its rows to be claimed after the lease.
   */
  claimDue(now: string, leaseUntil: string, limit: number): Promise<NoticeMailRow[]>;
  markSent(id: string, at: string): Promise<void>;
  /** A failed try: counted, the error kept, due again at `next` (null: given up). */
  markFailed(id: string, error: string, next: string | null): Promise<void>;
  /** Sent and pending counts (tests, `center verify`). */
  counts(): Promise<{ sent: number; pending: number; failed: number }>;
}
