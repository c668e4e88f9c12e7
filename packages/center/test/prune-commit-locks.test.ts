/**
 * Prune and commit exclude each other on PostgreSQL, where transactions run
 * side by side (storage-format.md, "Prune and commit"): a commit reads the
 * parts it references under a share lock, and prune deletes a part under an
 * exclusive row lock after checking again, in a new statement, that nothing
 * references it. A second connection plays the other side and holds its
 * lock while the test watches the first wait for it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pgDatabase, until } from '@phonesafe/testkit';
import pg from 'pg';
import { LocalBlobStore } from '../src/blobs/local-blob-store.ts';
import { prune } from '../src/maintenance/prune.ts';
import { openStore } from '../src/center-store.ts';
import type { Store } from '../src/center-store.ts';
import { rejectsWith } from './store-conformance.ts';
import { at, openWithParts, partRef, seedOwner, uid } from './store-fixtures.ts';

describe('prune and commit on PostgreSQL', () => {
  let database: { url: string; drop: () => Promise<void> };
  let store: Store;
  let other: pg.Client;
  let dir: string;
  before(async () => {
    database = await pgDatabase();
    store = await openStore(database.url);
    other = new pg.Client({ connectionString: database.url });
    await other.connect();
    dir = await mkdtemp(join(tmpdir(), 'phonesafe-locks-'));
  });
  after(async () => {
    await other?.end();
    await store?.close();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Some other session of this database waits for a lock. */
  const someoneWaits = () =>
    until(
      async () => {
        const { rows } = await other.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        );
        return Number(rows[0]!.n) > 0;
      },
      'a session waiting for a lock',
      10_000,
    );

  it('a commit waits for the lock of a prune deleting one of its parts, then refuses with PART_MISSING', async () => {
    const { owner, handset } = await seedOwner(store);
    const part = partRef(uid('p'));
    const { backup, manifest } = await openWithParts(store, handset, [part]);
    await other.query('BEGIN');
    await other.query('SELECT id FROM parts WHERE owner_id = $1 AND id = $2 FOR UPDATE', [owner.id, part.id]);
    const commit = store.backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(5), manifest, parts: [part], files: [] });
    const settled = commit.then(
      () => 'committed',
      () => 'refused',
    );
    const first = await Promise.race([someoneWaits().then(() => 'waiting'), settled]);
    await other.query('DELETE FROM parts WHERE owner_id = $1 AND id = $2', [owner.id, part.id]);
    await other.query('COMMIT');
    assert.equal(first, 'waiting', 'the commit waited for the lock');
    const extra = await rejectsWith(commit, 'PART_MISSING');
    assert.deepEqual(extra['missing'], [part.id]);
    assert.equal((await store.backups.find(owner.id, backup.id))?.status, 'open');
  });

  it('prune waits for a commit holding a part, then keeps it', async () => {
    const { owner, handset } = await seedOwner(store);
    const part = partRef(uid('p'));
    const { backup, manifest } = await openWithParts(store, handset, [part]);
    // The other session is a commit half done: parts read under a share lock, references written.
    await other.query('BEGIN');
    await other.query('SELECT id FROM parts WHERE owner_id = $1 AND id IN ($2, $3) FOR SHARE', [owner.id, part.id, manifest.id]);
    for (const id of [part.id, manifest.id])
      await other.query('INSERT INTO backup_parts (backup_id, part_id) VALUES ($1, $2)', [backup.id, id]);
    await other.query("UPDATE backups SET status = 'committed', committed_at = $2 WHERE id = $1", [backup.id, at(5)]);
    const pruning = prune(store, new LocalBlobStore(join(dir, 'blobs')), { olderThan: at(60), staleOpenBefore: at(0) });
    await someoneWaits();
    await other.query('COMMIT');
    await pruning;
    assert.ok(await store.parts.find(owner.id, part.id), 'the committed part is kept');
    assert.ok(await store.parts.find(owner.id, manifest.id), 'the committed manifest is kept');
  });
});
