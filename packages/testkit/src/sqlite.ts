/** Reading a SQLite database another process writes (a center's center.db), as `center verify` does: its own connection. */
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';

/** The rows of one query, on a read-only connection opened and closed for it (WAL: the writer is never blocked). */
export function sqliteRows<R>(file: string, sql: string, ...params: SQLInputValue[]): R[] {
  const db = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
  try {
    return db.prepare(sql).all(...params) as R[];
  } finally {
    db.close();
  }
}
