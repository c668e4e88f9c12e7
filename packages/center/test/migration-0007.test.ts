/**
 * Migration 0007 on rows written the old way (schema as of 0004), on SQLite
 * and PostgreSQL: phone numbers become canonical, colliding spellings are
 * resolved as the migration says.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Migrator } from 'kysely/migration';
import { postgresEngine, sqliteEngine, type Engine } from '../src/store/engine.ts';
import { kyselyStore } from '../src/store/kysely-store.ts';
import { migrationProvider } from '../src/store/migrations/index.ts';
import type { Store } from '../src/store/store.ts';
import { createTestDatabase } from './pg-test-database.ts';
import { at } from './store-fixtures.ts';

const PHONE = '+819012345678';

/** Rows as the code before 0007 wrote them: the same number spelled `+8190…` and `8190…` by two owners. */
async function seedOldRows(engine: Engine): Promise<void> {
  const { db } = engine;
  const owner = (id: string) => ({ id, email: `${id}@example.org`, auth_hash: 'h', kdf: '{}', wrapped_data_key: 'k', created_at: at(0), quota_bytes: null });
  await db.insertInto('owners').values([owner('o-early'), owner('o-late')]).execute();
  const handset = (id: string, ownerId: string, phone: string, n: number) => ({
    id, owner_id: ownerId, name: id, credential_hash: 'c', enrolled_at: at(n), last_seen_at: null, phone, revoked_at: null,
  });
  await db.insertInto('handsets').values([handset('h-early', 'o-early', PHONE, 1), handset('h-late', 'o-late', PHONE.slice(1), 2), handset('h-spaced', 'o-late', '81 90 1234 5678', 3)]).execute();
  await db.insertInto('rescue_codes').values([
    { phone: PHONE, owner_id: 'o-early', code_hash: 'early', set_at: at(1) },
    { phone: PHONE.slice(1), owner_id: 'o-late', code_hash: 'late', set_at: at(2) },
  ]).execute();
  const rescue = (id: string, ownerId: string, handsetId: string, phone: string, status: string, n: number) => ({
    id, owner_id: ownerId, phone, handset_id: handsetId, status: status as 'saved', requested_at: at(n), window_ends_at: at(999),
  });
  await db.insertInto('rescues').values([
    rescue('r-closed', 'o-late', 'h-late', PHONE.slice(1), 'gave-up', 3),
    rescue('r-open-old', 'o-early', 'h-early', PHONE, 'waiting-for-handset', 4),
    rescue('r-open-new', 'o-late', 'h-late', PHONE.slice(1), 'waiting-for-handset', 5),
  ]).execute();
  await db.insertInto('rescue_audit').values({ owner_id: 'o-late', phone: PHONE.slice(1), rescue_id: 'r-closed', event: 'requested', detail: 'd', at: at(3) }).execute();
  await db.insertInto('wrong_tries').values([
    { key: `code:${PHONE}`, failures: 1, locked_until: null, last_failure_at: at(7) },
    { key: `code:${PHONE.slice(1)}`, failures: 2, locked_until: at(30), last_failure_at: at(6) },
    { key: `control:${PHONE.slice(1)}`, failures: 1, locked_until: null, last_failure_at: at(6) },
  ]).execute();
}

function migrationTests(open: () => Promise<{ engine: Engine; drop(): Promise<void> }>): void {
  let store: Store;
  let engine: Engine;
  let drop: () => Promise<void>;
  before(async () => {
    ({ engine, drop } = await open());
    const migrator = new Migrator({ db: engine.db, provider: migrationProvider(engine.dialect) });
    const { error } = await migrator.migrateTo('0004-wrong-tries');
    if (error) throw error;
    await seedOldRows(engine);
    store = kyselyStore(engine);
    await store.migrate();
  });
  after(async () => {
    await store?.close();
    await drop?.();
  });

  it('phone numbers become canonical; of two code rows the newest is kept, and its owner holds the number', async () => {
    assert.deepEqual(await store.rescueCodes.findCode(PHONE), { phone: PHONE, ownerId: 'o-late', codeHash: 'late', setAt: at(2) });
    const phones = Object.fromEntries(await Promise.all(['h-early', 'h-late', 'h-spaced'].map(async (id) => [id, (await store.handsets.findById(id))?.phone])));
    assert.deepEqual(phones, { 'h-early': null, 'h-late': PHONE, 'h-spaced': PHONE });
    assert.equal((await store.handsets.newestByPhone(PHONE))?.id, 'h-spaced');
  });

  it('rescues and audit rows take the canonical number, except an open rescue where another open one holds it', async () => {
    assert.equal((await store.rescues.find('r-closed'))?.phone, PHONE);
    assert.equal((await store.rescues.findOpen(PHONE))?.id, 'r-open-old', 'already under the canonical number');
    assert.equal((await store.rescues.find('r-open-new'))?.phone, PHONE.slice(1), 'one open rescue per number: this one keeps its spelling');
    assert.deepEqual((await store.rescueAudit.list('o-late', PHONE)).map((r) => r.rescueId), ['r-closed']);
  });

  it('wrong-try counters of two spellings merge: the higher count and the later lock', async () => {
    assert.deepEqual(await store.wrongTries.find(`code:${PHONE}`), { key: `code:${PHONE}`, failures: 2, lockedUntil: at(30), lastFailureAt: at(7) });
    assert.equal(await store.wrongTries.find(`code:${PHONE.slice(1)}`), undefined);
    assert.equal((await store.wrongTries.find(`control:${PHONE}`))?.failures, 1);
  });
}

describe('migration 0007 on SQLite', () => {
  migrationTests(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'phonesafe-m7-'));
    return { engine: sqliteEngine(join(dir, 'center.db')), drop: () => rm(dir, { recursive: true, force: true }) };
  });
});

describe('migration 0007 on PostgreSQL', () => {
  migrationTests(async () => {
    const database = await createTestDatabase();
    return { engine: postgresEngine(database.url), drop: database.drop };
  });
});
