/**
 * SQLite beside another process on the same file (`center prune` or
 * `center verify` beside a live center): a write transaction takes the
 * database's write lock at BEGIN (BEGIN IMMEDIATE). A deferred transaction
 * would read first and ask for the lock at its first write, and then fail at
 * once with SQLITE_BUSY if another process wrote in between, instead of
 * waiting on the busy timeout like any statement.
 */
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@phonesafe/testkit';
import { sqliteEngine, tablesOf } from '@phonesafe/server-kit';
import { openStore, type CenterTables } from '../src/center-store.ts';

test('a transaction holds the write lock from its BEGIN, before it writes anything', async (t) => {
  const dir = await tempDir(t, 'sqlite-lock');
  const file = join(dir, 'center.db');
  await (await openStore(`sqlite:${file}`)).close();
  const engine = sqliteEngine(file);
  t.after(() => engine.db.destroy());
  // Another process's connection, which does not wait at all.
  const other = new DatabaseSync(file, { timeout: 0 });
  t.after(() => other.close());

  await tablesOf<CenterTables>(engine)
    .transaction()
    .execute(async (trx) => {
      await trx.selectFrom('owners').select('id').execute();
      assert.throws(() => other.exec('BEGIN IMMEDIATE'), /locked|busy/i, 'the other connection cannot take the write lock');
    });
  other.exec('BEGIN IMMEDIATE');
  other.exec('ROLLBACK');
});
