/** The wrong-try counters' storage port. The contracts every repository keeps are stated in center-store.ts. */

/** A wrong-try counter (auth/lockout.ts). */
export interface WrongTryRow {
  key: string;
  failures: number;
  lockedUntil: string | null;
  lastFailureAt: string | null;
}

export interface WrongTryRepo {
  find(key: string): Promise<WrongTryRow | undefined>;
  /**
   * Read-modify-write of one counter in one transaction under a row lock, so
   * concurrent tries all count (a missing counter reads as zero). `change`
   * answering null deletes the counter. Answers the counter as written.
   */
  change(key: string, change: (current: WrongTryRow) => WrongTryRow | null): Promise<WrongTryRow | null>;
  delete(key: string): Promise<void>;
  /** Deletes counters whose last wrong try is before `before` (or unknown) and that are not locked at `now`; answers how many. */
  deleteStale(before: string, now: string): Promise<number>;
}
