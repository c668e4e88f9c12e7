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
import { pgDatabase } from '@phonesafe/testkit';
import { Migrator } from 'kysely/migration';
import { type Engine, postgresEngine, sqliteEngine, tablesOf } from '@phonesafe/server-kit';
import { migrationProvider } from '../src/store/migrations/index.ts';
import { centerStore, type CenterTables, type Store } from '../src/center-store.ts';
import { hashAuthKey } from '../src/owners/auth-key-hash.ts';
import { desk, rescueStatus } from './rescue-fixtures.ts';
import { expectStatus, startHarness } from './http-harness.ts';
import { at } from './store-fixtures.ts';

const PHONE = '+819012345678';
const SAVED_PHONE = '+447700900123';
/** A code number set before 0007: 4 digits, hashed at the old cost. */
const OLD_CODE = '4711';
/** A control number the old code stored in clear (Luhn-valid). */
const LEGACY = '4539148803436467';
const LEGACY_SHOWN = '4539-1488-0343-6467';

/** A rescue saved and erased before 0007, with its control number in clear in rescues, the audit and two notices. */
async function seedSavedRescue(engine: Engine): Promise<void> {
  const db = tablesOf<CenterTables>(engine);
  await db
    .insertInto('handsets')
    .values({
      id: 'handset-saved-1',
      owner_id: 'o-late',
      name: 'handset-saved-1',
      credential_hash: 'c',
      enrolled_at: at(1),
      last_seen_at: null,
      phone: SAVED_PHONE,
      revoked_at: null,
    })
    .execute();
  const codeHash = await hashAuthKey(Buffer.from(`rescue-code\u0000${OLD_CODE}`, 'utf8'), { N: 1 << 14, r: 8, p: 1 });
  await db
    .insertInto('rescue_codes')
    .values({ phone: SAVED_PHONE, owner_id: 'o-late', code_hash: codeHash, set_at: at(1) })
    .execute();
  await db
    .insertInto('backups')
    .values({
      id: 'backup-saved-1',
      owner_id: 'o-late',
      handset_id: 'handset-saved-1',
      kinds: '["contacts"]',
      trigger: 'rescue',
      status: 'committed',
      started_at: at(2),
      committed_at: at(3),
      file_count: 2,
      stored_bytes: 10,
      manifest_id: 'm'.repeat(64),
      manifest_size: 10,
      manifest_sha256: 'a'.repeat(64),
    })
    .execute();
  await db
    .insertInto('rescues')
    .values({
      id: 'rescue-saved-1',
      owner_id: 'o-late',
      phone: SAVED_PHONE,
      handset_id: 'handset-saved-1',
      status: 'erased',
      requested_at: at(1),
      window_ends_at: at(999),
      backup_id: 'backup-saved-1',
      control_number: LEGACY,
      saved_at: at(3),
      erased_at: at(4),
      expires_at: new Date(Date.UTC(2099, 0, 1)).toISOString(),
      files: 2,
    })
    .execute();
  await db
    .insertInto('rescue_audit')
    .values({
      owner_id: 'o-late',
      phone: SAVED_PHONE,
      rescue_id: 'rescue-saved-1',
      event: 'saved',
      detail: `2 files saved under control number ${LEGACY_SHOWN}, kept until 2099`,
      at: at(3),
    })
    .execute();
  await db
    .insertInto('notices')
    .values([
      {
        id: 'n-saved',
        owner_id: 'o-late',
        handset_id: 'handset-saved-1',
        kind: 'rescue-saved',
        message: `the memory is saved under control number ${LEGACY_SHOWN} (2 files)`,
        at: at(3),
      },
      {
        id: 'n-other',
        owner_id: 'o-late',
        handset_id: null,
        kind: 'rescue-expired',
        message: `the data saved under control number ${LEGACY} was erased`,
        at: at(4),
      },
    ])
    .execute();
}

/** The rows of the tables that held control numbers, as text. */
async function rawRows(engine: Engine): Promise<string> {
  const tables = ['rescues', 'rescue_audit', 'notices'] as const;
  const rows = await Promise.all(tables.map((t) => tablesOf<CenterTables>(engine).selectFrom(t).selectAll().execute()));
  return JSON.stringify(rows);
}

/** Rows as the code before 0007 wrote them: the same number spelled `+8190…` and `8190…` by two owners. */
async function seedOldRows(engine: Engine): Promise<void> {
  const db = tablesOf<CenterTables>(engine);
  const owner = (id: string) => ({
    id,
    email: `${id}@example.org`,
    auth_hash: 'h',
    kdf: '{}',
    wrapped_data_key: 'k',
    created_at: at(0),
    quota_bytes: null,
  });
  await db
    .insertInto('owners')
    .values([owner('o-early'), owner('o-late')])
    .execute();
  const handset = (id: string, ownerId: string, phone: string, n: number) => ({
    id,
    owner_id: ownerId,
    name: id,
    credential_hash: 'c',
    enrolled_at: at(n),
    last_seen_at: null,
    phone,
    revoked_at: null,
  });
  await db
    .insertInto('handsets')
    .values([
      handset('h-early', 'o-early', PHONE, 1),
      handset('h-late', 'o-late', PHONE.slice(1), 2),
      handset('h-spaced', 'o-late', '81 90 1234 5678', 3),
    ])
    .execute();
  await db
    .insertInto('rescue_codes')
    .values([
      { phone: PHONE, owner_id: 'o-early', code_hash: 'early', set_at: at(1) },
      { phone: PHONE.slice(1), owner_id: 'o-late', code_hash: 'late', set_at: at(2) },
    ])
    .execute();
  const rescue = (id: string, ownerId: string, handsetId: string, phone: string, status: string, n: number) => ({
    id,
    owner_id: ownerId,
    phone,
    handset_id: handsetId,
    status: status as 'saved',
    requested_at: at(n),
    window_ends_at: at(999),
  });
  await db
    .insertInto('rescues')
    .values([
      rescue('r-closed', 'o-late', 'h-late', PHONE.slice(1), 'gave-up', 3),
      rescue('r-open-old', 'o-early', 'h-early', PHONE, 'waiting-for-handset', 4),
      rescue('r-open-new', 'o-late', 'h-late', PHONE.slice(1), 'waiting-for-handset', 5),
    ])
    .execute();
  await db
    .insertInto('rescue_audit')
    .values({ owner_id: 'o-late', phone: PHONE.slice(1), rescue_id: 'r-closed', event: 'requested', detail: 'd', at: at(3) })
    .execute();
  await db
    .insertInto('wrong_tries')
    .values([
      { key: `code:${PHONE}`, failures: 1, locked_until: null, last_failure_at: at(7) },
      { key: `code:${PHONE.slice(1)}`, failures: 2, locked_until: at(30), last_failure_at: at(6) },
      { key: `control:${PHONE.slice(1)}`, failures: 1, locked_until: null, last_failure_at: at(6) },
    ])
    .execute();
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
    await seedSavedRescue(engine);
    store = centerStore(engine);
    await store.migrate();
  });
  after(async () => {
    await store?.close();
    await drop?.();
  });

  it('phone numbers become canonical; of two code rows the newest is kept, and its owner holds the number', async () => {
    assert.deepEqual(await store.rescueCodes.findCode(PHONE), { phone: PHONE, ownerId: 'o-late', codeHash: 'late', setAt: at(2) });
    const phones = Object.fromEntries(
      await Promise.all(['h-early', 'h-late', 'h-spaced'].map(async (id) => [id, (await store.handsets.findById(id))?.phone])),
    );
    assert.deepEqual(phones, { 'h-early': null, 'h-late': PHONE, 'h-spaced': PHONE });
    assert.equal((await store.handsets.newestByPhone(PHONE))?.id, 'h-spaced');
  });

  it('rescues and audit rows take the canonical number, except an open rescue where another open one holds it', async () => {
    assert.equal((await store.rescues.find('r-closed'))?.phone, PHONE);
    assert.equal((await store.rescues.findOpen(PHONE))?.id, 'r-open-old', 'already under the canonical number');
    assert.equal(
      (await store.rescues.find('r-open-new'))?.phone,
      PHONE.slice(1),
      'one open rescue per number: this one keeps its spelling',
    );
    assert.deepEqual(
      (await store.rescueAudit.list('o-late', PHONE)).map((r) => r.rescueId),
      ['r-closed'],
    );
  });

  it('wrong-try counters of two spellings merge: the higher count and the later lock', async () => {
    assert.deepEqual(await store.wrongTries.find(`code:${PHONE}`), {
      key: `code:${PHONE}`,
      failures: 2,
      lockedUntil: at(30),
      lastFailureAt: at(7),
    });
    assert.equal(await store.wrongTries.find(`code:${PHONE.slice(1)}`), undefined);
    assert.equal((await store.wrongTries.find(`control:${PHONE}`))?.failures, 1);
  });

  it('a control number stored in clear is now only a hash; audit details and notices withhold it', async () => {
    const rows = await rawRows(engine);
    assert.ok(!rows.includes(LEGACY) && !rows.includes(LEGACY_SHOWN), rows);
    const rescue = await store.rescues.find('rescue-saved-1');
    assert.deepEqual([rescue?.controlSeal, /^scrypt\$65536\$8\$1\$/.test(rescue?.controlHash ?? '')], [null, true]);
    assert.match((await store.rescueAudit.list('o-late', SAVED_PHONE))[0]?.detail ?? '', /under control number \(withheld\), kept/);
    assert.ok((await store.notices.list('o-late')).every((n) => !/\d{4}-\d{4}|\d{16}/.test(n.message)));
  });
}

describe('migration 0007 on SQLite', () => {
  let dir = '';
  migrationTests(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phonesafe-m7-'));
    return { engine: sqliteEngine(join(dir, 'center.db')), drop: () => rm(dir, { recursive: true, force: true }) };
  });

  it('after the migration: the old code still opens the desk, status shows a new sealed number, both numbers restore', async () => {
    const h = await startHarness({ tickMs: 0, db: `sqlite:${join(dir, 'center.db')}` });
    try {
      const status = await rescueStatus(h, SAVED_PHONE, OLD_CODE);
      const issued = status.rescues[0]?.controlNumber ?? '';
      assert.match(issued, /^\d{4}-\d{4}-\d{4}-\d{4}$/);
      assert.notEqual(issued, LEGACY_SHOWN);
      assert.equal((await rescueStatus(h, SAVED_PHONE, OLD_CODE)).rescues[0]?.controlNumber, issued, 'issued once');
      expectStatus(await desk(h, 'restore', { phone: SAVED_PHONE, code: OLD_CODE, control: LEGACY }), 201);
      expectStatus(await desk(h, 'restore', { phone: SAVED_PHONE, code: OLD_CODE, control: issued }), 201);
    } finally {
      await h.close();
    }
  });
});

describe('migration 0007 on PostgreSQL', () => {
  migrationTests(async () => {
    const database = await pgDatabase();
    return { engine: postgresEngine(database.url), drop: database.drop };
  });
});
