/**
 * Electronic value safes end to end with real processes (issue 14): two
 * independent `phonesafe safe` servers on loopback (one on PostgreSQL) and a
 * virtual handset driven through the CLI. Values go to the safes for
 * certificates, the card is freed, and come back byte for byte; the safes
 * keep tombstones; the same bearer value is never recovered twice; a rogue
 * key, a damaged body and a wrong PIN are refused with the value kept.
 */
import { strict as assert } from 'node:assert';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { cli, cliFails, cliJson, pgDatabase, pgQuery, sqliteRows, startSafe, tempDir, type Env } from '@phonesafe/testkit';

/** FIG 19's four values, as the files the owner adds (kept byte for byte). */
const FIG19 = {
  A: {
    class: 'movie-ticket',
    name: 'A',
    unitPrice: 1600,
    qty: 1,
    total: 1600,
    place: 'B',
    validFrom: '2000-04-01',
    validTo: '2000-05-31',
    remaining: 0,
  },
  C: {
    class: 'concert-ticket',
    name: 'C',
    unitPrice: 4500,
    qty: 2,
    total: 9000,
    place: 'D',
    validFrom: '2000-04-29',
    validTo: '2000-04-29',
    remaining: 0,
  },
  E: { class: 'prepaid', name: 'E', unitPrice: 1000, qty: 1, total: 1000, place: 'F', remaining: 800 },
  G: {
    class: 'movie-ticket',
    name: 'G',
    unitPrice: 1600,
    qty: 2,
    total: 3200,
    place: 'H',
    validFrom: '2000-05-01',
    validTo: '2000-06-30',
    remaining: 0,
  },
};

interface Entry {
  pointer: number;
  sign: 'A' | 'B';
  title: string;
  serial?: number;
}

const ENV: Env = { PHONESAFE_WALLET_SCRYPT_N: '1024' };

async function addFig19(root: string, phone: string): Promise<Record<keyof typeof FIG19, { pointer: number; bytes: Buffer }>> {
  const out = {} as Record<keyof typeof FIG19, { pointer: number; bytes: Buffer }>;
  for (const [name, value] of Object.entries(FIG19) as Array<[keyof typeof FIG19, object]>) {
    const file = join(root, `${name}.json`);
    const bytes = Buffer.from(JSON.stringify(value, null, 1) + '\n');
    await writeFile(file, bytes);
    const entry = await cliJson<Entry>(['handset', 'wallet', 'add', '--data', phone, '--file', file], ENV);
    out[name] = { pointer: entry.pointer, bytes };
  }
  return out;
}

const list = async (phone: string, ...args: string[]) =>
  await cliJson<{ entries: Entry[]; free: number }>(['handset', 'wallet', 'list', '--data', phone, ...args], ENV);
const cardValues = (phone: string) =>
  sqliteRows<{ value_id: string; bytes: Uint8Array }>(
    join(phone, 'card', 'card.db'),
    'SELECT value_id, bytes FROM card_values ORDER BY pointer',
  );

test(
  'values go to two independent safes (SQLite and PostgreSQL) for certificates and come back byte for byte; the safes keep tombstones',
  { timeout: 120_000 },
  async (t) => {
    const root = await tempDir(t, 'wallet');
    const database = await pgDatabase(t);
    const vs = await startSafe(t, join(root, 'vs'));
    const ks = await startSafe(t, join(root, 'ks'), { db: database.url });
    const phone = join(root, 'phone');
    for (const safe of [vs, ks])
      await cliJson(['handset', 'safe', 'add', '--data', phone, safe.url, '--fingerprint', safe.fingerprint], ENV);
    const values = await addFig19(root, phone);
    // FIG 3's "within one week of the end of the effective period": on 25 May 2000 only A (ends 31 May).
    assert.deepEqual(
      (await list(phone, '--expiring', '7d', '--as-of', '2000-05-25')).entries.map((e) => e.title),
      ['movie-ticket A'],
    );
    assert.deepEqual(
      (await list(phone, '--class', 'movie-ticket')).entries.map((e) => e.title),
      ['movie-ticket A', 'movie-ticket G'],
    );
    const before = await list(phone);

    const atVs = await cliJson<{ deposited: Array<{ certificate: number; serial: number }> }>(
      ['handset', 'wallet', 'deposit', '--data', phone, '--safe', vs.url, String(values.A.pointer), String(values.C.pointer)],
      ENV,
    );
    assert.deepEqual(
      atVs.deposited.map((d) => d.serial),
      [1, 2],
      'the counter goes up one by one',
    );
    const atKs = await cliJson<{ deposited: Array<{ certificate: number }> }>(
      ['handset', 'wallet', 'deposit', '--data', phone, '--safe', ks.url, String(values.G.pointer)],
      ENV,
    );
    const after = await list(phone);
    assert.deepEqual(after.entries.map((e) => e.sign).sort(), ['A', 'B', 'B', 'B'], 'E stays a value; A, C and G are certificates');
    assert.equal(cardValues(phone).length, 1);
    const certificates = [...atVs.deposited, ...atKs.deposited].map((d) => String(d.certificate));
    assert.ok(after.entries.every((e) => e.sign === 'A' || certificates.includes(String(e.pointer))));
    assert.notEqual(after.free, before.free);

    const recovered = await cliJson<{ recovered: Array<{ state: string }> }>(
      ['handset', 'wallet', 'recover', '--data', phone, ...certificates],
      ENV,
    );
    assert.deepEqual(
      recovered.recovered.map((r) => r.state),
      ['released', 'released', 'released'],
    );
    const held = cardValues(phone).map((v) => Buffer.from(v.bytes).toString());
    for (const name of ['A', 'C', 'E', 'G'] as const)
      assert.ok(held.includes(values[name].bytes.toString()), `${name} is back byte for byte`);
    assert.deepEqual((await list(phone, '--certificates')).entries, []);

    const vsRows = sqliteRows<{ state: string; body: string | null }>(join(vs.data, 'safe.db'), 'SELECT state, body FROM deposits');
    assert.deepEqual(
      vsRows.map((r) => [r.state, r.body]),
      [
        ['released', null],
        ['released', null],
      ],
      'tombstones at the SQLite safe',
    );
    assert.deepEqual(
      await pgQuery(database.url, 'SELECT state, body FROM deposits'),
      [{ state: 'released', body: null }],
      'a tombstone at the PostgreSQL safe',
    );
    const verified = await cliJson<{ tombstones: number; damaged: unknown[] }>(['safe', 'verify', '--data', vs.data], {});
    assert.deepEqual([verified.tombstones, verified.damaged], [2, []]);
  },
);

test(
  'back up by condition (V13, FIG 20): the prose rule deposits C and G, frees them on the card and keeps their certificates',
  { timeout: 120_000 },
  async (t) => {
    const root = await tempDir(t, 'wallet');
    const vs = await startSafe(t, join(root, 'vs'));
    const phone = join(root, 'phone');
    await cliJson(['handset', 'safe', 'add', '--data', phone, vs.url, '--fingerprint', vs.fingerprint], ENV);
    const values = await addFig19(root, phone);
    const figure = await list(phone, '--where', 'notExpiringWithin=3M;asOf=2000-03-15');
    assert.deepEqual(
      figure.entries.map((e) => e.title),
      ['prepaid E', 'movie-ticket G'],
      "the figure's {E, G}",
    );
    const prose = 'notUsableWithin=1M;asOf=2000-03-15';
    const { deposited } = await cliJson<{ deposited: Array<{ value: number }> }>(
      ['handset', 'wallet', 'deposit', '--data', phone, '--safe', vs.url, '--where', prose],
      ENV,
    );
    assert.deepEqual(
      deposited.map((d) => d.value),
      [values.C.pointer, values.G.pointer],
    );
    assert.deepEqual(
      (await list(phone, '--values')).entries.map((e) => e.title),
      ['movie-ticket A', 'prepaid E'],
    );
    assert.equal((await list(phone, '--certificates')).entries.length, 2);
    assert.deepEqual((await list(phone, '--where', prose)).entries, [], 'nothing left to select');
  },
);

test(
  'the same bearer value from two copies of the card directory, or a replayed recovery: exactly one succeeds',
  { timeout: 120_000 },
  async (t) => {
    const root = await tempDir(t, 'wallet');
    const vs = await startSafe(t, join(root, 'vs'));
    const phone = join(root, 'phone');
    await cliJson(['handset', 'safe', 'add', '--data', phone, vs.url, '--fingerprint', vs.fingerprint], ENV);
    const { pointer } = await cliJson<Entry>(
      ['handset', 'wallet', 'add', '--data', phone, '--class', 'prepaid', '--name', 'E', '--remaining', '800'],
      ENV,
    );
    const { deposited } = await cliJson<{ deposited: Array<{ certificate: number }> }>(
      ['handset', 'wallet', 'deposit', '--data', phone, '--safe', vs.url, String(pointer)],
      ENV,
    );
    const copy = join(root, 'copy');
    await cp(phone, copy, { recursive: true });
    const cert = String(deposited[0]!.certificate);
    await cliJson(['handset', 'wallet', 'recover', '--data', phone, cert], ENV);
    await cliFails(['handset', 'wallet', 'recover', '--data', copy, cert], ENV, 4, 'SAFE_ALREADY_RECOVERED');
    assert.equal(cardValues(phone).length, 1);
    assert.equal(cardValues(copy).length, 0, 'the copy holds only its certificate');
    assert.equal((await list(copy, '--certificates')).entries.length, 1, 'the refused card kept its certificate');
  },
);

test('a rogue key at a pinned address, a damaged body and wrong PINs are refused, and the value stays', { timeout: 120_000 }, async (t) => {
  const root = await tempDir(t, 'wallet');
  const vs = await startSafe(t, join(root, 'vs'));
  const phone = join(root, 'phone');
  await cliJson(['handset', 'safe', 'add', '--data', phone, vs.url, '--fingerprint', vs.fingerprint], ENV);
  await cliFails(
    ['handset', 'safe', 'add', '--data', join(root, 'other'), vs.url, '--fingerprint', `ed25519:${'0'.repeat(64)}`],
    ENV,
    3,
    'SAFE_KEY_MISMATCH',
  );
  await cliJson(['handset', 'wallet', 'setup', '--data', phone, '--owner', 'owner@example.org'], ENV);
  const add = async (name: string) =>
    (await cliJson<Entry>(['handset', 'wallet', 'add', '--data', phone, '--class', 'key', '--name', name], ENV)).pointer;
  const pinned = await add('door');
  const plain = await add('car');
  const pin = { ...ENV, PHONESAFE_WALLET_PIN: '246810' };
  const { deposited } = await cliJson<{ deposited: Array<{ certificate: number; kept: boolean }> }>(
    ['handset', 'wallet', 'deposit', '--data', phone, '--safe', vs.url, '--with-pin', String(pinned)],
    pin,
  );
  assert.equal(deposited[0]!.kept, true, 'a secret value is copied, not moved');
  const cert = String(deposited[0]!.certificate);
  await cliFails(
    ['handset', 'wallet', 'recover', '--data', phone, '--pin', cert],
    { ...ENV, PHONESAFE_WALLET_PIN: '999999' },
    3,
    'SAFE_PIN_MISMATCH',
  );
  const ok = await cliJson<{ recovered: Array<{ state: string }> }>(['handset', 'wallet', 'recover', '--data', phone, '--pin', cert], pin);
  assert.equal(ok.recovered[0]!.state, 'deposited', 'the safe keeps a secret copy');

  const second = await cliJson<{ deposited: Array<{ certificate: number }> }>(
    ['handset', 'wallet', 'deposit', '--data', phone, '--safe', vs.url, String(plain)],
    ENV,
  );
  // A byte of the stored body flipped at the safe: the card refuses it, keeps its certificate, stores nothing.
  const db = join(vs.data, 'safe.db');
  const [row] = sqliteRows<{ id: string; body: string }>(db, 'SELECT id, body FROM deposits WHERE owner_ref IS NULL');
  const damaged = Buffer.from(row!.body, 'base64url');
  damaged[damaged.length - 1]! ^= 1;
  const writer = new DatabaseSync(db);
  writer.prepare('UPDATE deposits SET body = ? WHERE id = ?').run(damaged.toString('base64url'), row!.id);
  writer.close();
  const before = cardValues(phone).length;
  await cliFails(
    ['handset', 'wallet', 'recover', '--data', phone, String(second.deposited[0]!.certificate)],
    ENV,
    7,
    'SAFE_SIGNATURE_INVALID',
  );
  assert.equal(cardValues(phone).length, before);
  assert.equal((await list(phone, '--certificates')).entries.length, 2);
  const verify = await cli(['safe', 'verify', '--data', vs.data, '--json'], {});
  assert.notEqual(verify.code, 0);
  assert.match(verify.stdout, /body does not match its hash/);

  // Another safe now answers at the pinned address: nothing is sent to it, the value stays.
  await vs.stop();
  const rogue = await startSafe(t, join(root, 'rogue'), { port: vs.port });
  assert.notEqual(rogue.fingerprint, vs.fingerprint);
  const third = await add('bike');
  await cliFails(['handset', 'wallet', 'deposit', '--data', phone, '--safe', vs.url, String(third)], ENV, 3, 'SAFE_KEY_MISMATCH');
  assert.ok((await list(phone, '--values')).entries.some((e) => e.pointer === third));
});

test(
  'coupling (V7): ten small values in one registration with one certificate, in both orders, decoupled byte for byte',
  { timeout: 120_000 },
  async (t) => {
    const root = await tempDir(t, 'wallet');
    const vs = await startSafe(t, join(root, 'vs'));
    for (const [order, count] of [
      ['couple-then-encrypt', 10],
      ['encrypt-then-couple', 3],
    ] as const) {
      const phone = join(root, order);
      await cliJson(['handset', 'safe', 'add', '--data', phone, vs.url, '--fingerprint', vs.fingerprint], ENV);
      const pointers: string[] = [];
      for (let i = 0; i < count; i++) {
        const args = [
          '--class',
          'coupon',
          '--name',
          `coupon ${i}`,
          '--place',
          'station kiosk',
          '--valid',
          '2000-04-01..2000-04-30',
          '--total',
          '100',
        ];
        pointers.push(String((await cliJson<Entry>(['handset', 'wallet', 'add', '--data', phone, ...args], ENV)).pointer));
      }
      const before = cardValues(phone)
        .map((v) => Buffer.from(v.bytes).toString())
        .sort();
      const freeBefore = (await list(phone)).free;
      const { deposited } = await cliJson<{ deposited: Array<{ certificate: number; values: number[] }> }>(
        ['handset', 'wallet', 'deposit', '--data', phone, '--safe', vs.url, '--couple', order, ...pointers],
        ENV,
      );
      assert.equal(deposited.length, 1, 'one registration');
      assert.equal(deposited[0]!.values.length, count);
      assert.equal(cardValues(phone).length, 0);
      if (count === 10) assert.ok((await list(phone)).free > freeBefore, 'one certificate takes less space than ten values');
      await cliJson(['handset', 'wallet', 'recover', '--data', phone, String(deposited[0]!.certificate)], ENV);
      assert.deepEqual(
        cardValues(phone)
          .map((v) => Buffer.from(v.bytes).toString())
          .sort(),
        before,
        `${order}: the same values`,
      );
      assert.deepEqual((await list(phone, '--certificates')).entries, []);
    }
    const rows = sqliteRows<{ state: string }>(join(vs.data, 'safe.db'), 'SELECT state FROM deposits');
    assert.deepEqual(
      rows.map((r) => r.state),
      ['released', 'released'],
      'two registrations in all, both tombstones',
    );
  },
);
