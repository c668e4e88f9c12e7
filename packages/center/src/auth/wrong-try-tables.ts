/** The wrong-try counters' table as Kysely sees it (lockout.ts); storage-format.md lists its columns. */
export interface WrongTriesTable {
  /** `code:<phone>`, `control:<phone>` (rescue desk) or `login:<email>`. */
  key: string;
  failures: number;
  locked_until: string | null;
  /** Null on rows from before migration 0004. */
  last_failure_at: string | null;
}

export interface WrongTryTables {
  wrong_tries: WrongTriesTable;
}
