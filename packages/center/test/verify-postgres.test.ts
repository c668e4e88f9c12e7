/**
 * `center verify` on PostgreSQL runs the amcheck extension over the
 * center's indexes and tables when it can create it, and says why it
 * skipped the check when it cannot (a database role without the right).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PG_ADMIN_URL, pgAdminQuery, pgDatabase, tempDir } from '@phonesafe/testkit';
import { LocalBlobStore } from '../src/blobs/local-blob-store.ts';
import { verifyStore } from '../src/maintenance/verify.ts';
import { openStore } from '../src/center-store.ts';
import { partRef, seedOwner, at, uid } from './store-fixtures.ts';

const admin = pgAdminQuery;

describe('verify: the database check on PostgreSQL', () => {
  it('runs amcheck on every index and table of the schema', async (t) => {
    const database = await pgDatabase(t);
    const store = await openStore(database.url);
    t.after(() => store.close());
    const dir = await tempDir(t, 'verify-pg');
    const { owner } = await seedOwner(store);
    await store.parts.record(owner.id, partRef(uid('p')), at(1));
    const report = await verifyStore(store, new LocalBlobStore(join(dir, 'blobs')));
    assert.equal(report.database?.status, 'ok', report.database?.detail);
    assert.match(report.database?.detail ?? '', /^amcheck: \d+ indexes and \d+ tables checked$/);
  });

  it('says why it skipped the check when the role may not create the extension', async (t) => {
    const role = `phonesafe_r_${randomBytes(5).toString('hex')}`;
    const name = `phonesafe_t_${randomBytes(6).toString('hex')}`;
    await admin(`CREATE ROLE ${role} LOGIN`);
    await admin(`CREATE DATABASE ${name} OWNER ${role}`);
    t.after(async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin(`DROP ROLE IF EXISTS ${role}`);
    });
    const url = new URL(PG_ADMIN_URL);
    url.username = role;
    url.pathname = `/${name}`;
    const store = await openStore(url.toString());
    t.after(() => store.close());
    const dir = await tempDir(t, 'verify-pg');
    const report = await verifyStore(store, new LocalBlobStore(join(dir, 'blobs')));
    assert.equal(report.database?.status, 'skipped');
    assert.match(report.database?.detail ?? '', /amcheck.*permission denied/);
  });
});
