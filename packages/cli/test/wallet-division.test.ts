/**
 * Division (V6) end to end with real processes: a value divided into two
 * pieces at two independent safes (one SQLite, one PostgreSQL), each piece
 * with its own certificate, the card freed, the value recovered byte for byte
 * and tombstones at both safes. A piece that belongs to another divided value
 * is refused and every deposit goes back; a safe down during recovery is a
 * retryable error, nothing is lost and recovering again completes.
 */
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { cliFails, cliJson, pgDatabase, pgQuery, sqliteRows, startSafe, tempDir, type Env } from '@phonesafe/testkit';

const ENV: Env = { PHONESAFE_WALLET_SCRYPT_N: '1024' };
const MARKER = 'DIVIDED-VALUE-MARKER-7f3a';

interface Divided {
  divided: Array<{ value: number; division: string; pieces: Array<{ certificate: number; safeId: string; serial: number }> }>;
}

test(
  'division (V6): one value in two pieces at a SQLite and a PostgreSQL safe, recovered byte for byte; a wrong piece and a safe down lose nothing',
  { timeout: 180_000 },
  async (t) => {
    const root = await tempDir(t, 'division');
    const database = await pgDatabase(t);
    const a = await startSafe(t, join(root, 'a'));
    let b = await startSafe(t, join(root, 'b'), { db: database.url });
    const phone = join(root, 'phone');
    for (const safe of [a, b]) await cliJson(['handset', 'safe', 'add', '--data', phone, safe.url, '--fingerprint', safe.fingerprint], ENV);
    const file = join(root, 'x.json');
    const bytes = Buffer.from(JSON.stringify({ class: 'e-money', name: MARKER, remaining: 1234, remarks: 'kept byte for byte' }, null, 2));
    await writeFile(file, bytes);
    const x = await cliJson<{ pointer: number }>(['handset', 'wallet', 'add', '--data', phone, '--file', file], ENV);
    const y = await cliJson<{ pointer: number }>(['handset', 'wallet', 'add', '--data', phone, '--class', 'prepaid', '--name', 'Y'], ENV);
    const divide = async (pointer: number) =>
      (
        await cliJson<Divided>(
          ['handset', 'wallet', 'deposit', '--data', phone, '--split', '2', '--safe', a.url, '--safe', b.url, String(pointer)],
          ENV,
        )
      ).divided[0]!;
    const dx = await divide(x.pointer);
    const dy = await divide(y.pointer);
    assert.equal(new Set(dx.pieces.map((p) => p.safeId)).size, 2, 'one piece at each safe');
    const cardDb = join(phone, 'card', 'card.db');
    const values = () => sqliteRows<{ bytes: Uint8Array }>(cardDb, 'SELECT bytes FROM card_values');
    assert.deepEqual(values(), [], 'both values freed from the card');
    const certs = sqliteRows<{ pointer: number; division: string }>(cardDb, 'SELECT pointer, division FROM card_certificates');
    assert.equal(certs.length, 4, 'one certificate per piece');
    assert.ok(!(await readFile(join(a.data, 'safe.db'))).includes(MARKER), 'the SQLite safe holds no plaintext');
    assert.ok(!JSON.stringify(await pgQuery(database.url, 'SELECT * FROM deposits')).includes(MARKER), 'nor the PostgreSQL one');

    const states = async () => [
      sqliteRows<{ state: string }>(join(a.data, 'safe.db'), 'SELECT state FROM deposits ORDER BY serial').map((r) => r.state),
      (await pgQuery<{ state: string }>(database.url, 'SELECT state FROM deposits ORDER BY serial')).map((r) => r.state),
    ];
    // The card's set altered: X's second piece swapped with Y's. The released piece says whose it is; all go back.
    const swap = (first: string, second: string) => {
      const db = new DatabaseSync(cardDb);
      db.prepare('UPDATE card_certificates SET division = ? WHERE pointer = ?').run(first, dx.pieces[1]!.certificate);
      db.prepare('UPDATE card_certificates SET division = ? WHERE pointer = ?').run(second, dy.pieces[1]!.certificate);
      db.close();
    };
    swap(dy.division, dx.division);
    await cliFails(['handset', 'wallet', 'recover', '--data', phone, String(dx.pieces[0]!.certificate)], ENV, 7, 'SAFE_PIECE_MISMATCH');
    assert.deepEqual(values(), []);
    assert.deepEqual(await states(), [
      ['deposited', 'deposited'],
      ['deposited', 'deposited'],
    ]);
    swap(dx.division, dy.division);

    // The PostgreSQL safe is down: X's first piece is released but not confirmed; a retry finishes it.
    await b.stop();
    await cliFails(['handset', 'wallet', 'recover', '--data', phone, String(dx.pieces[0]!.certificate)], ENV, 6, 'NETWORK');
    assert.deepEqual(values(), [], 'nothing half-recovered on the card');
    assert.equal(sqliteRows(cardDb, 'SELECT pointer FROM card_certificates').length, 4, 'every certificate kept');
    assert.deepEqual((await states())[0], ['releasing', 'deposited']);
    b = await startSafe(t, b.data, { port: b.port, db: database.url });
    const done = await cliJson<{ recovered: Array<{ state: string; pieces: number[] }> }>(
      ['handset', 'wallet', 'recover', '--data', phone, ...dx.pieces.map((p) => String(p.certificate))],
      ENV,
    );
    assert.deepEqual(
      done.recovered.map((r) => [r.state, r.pieces.length]),
      [['released', 2]],
      'one recovery for both pieces',
    );
    assert.deepEqual(
      values().map((v) => Buffer.from(v.bytes)),
      [bytes],
      'X is back byte for byte',
    );
    assert.deepEqual(await states(), [
      ['released', 'deposited'],
      ['released', 'deposited'],
    ]);
    const tomb = sqliteRows<{ body: string | null }>(join(a.data, 'safe.db'), 'SELECT body FROM deposits WHERE serial = 1');
    assert.deepEqual(
      [tomb[0]!.body, (await pgQuery<{ body: string | null }>(database.url, 'SELECT body FROM deposits WHERE serial = 1'))[0]!.body],
      [null, null],
    );
    assert.deepEqual(
      sqliteRows<{ division: string }>(cardDb, 'SELECT division FROM card_certificates').map((c) => c.division),
      [dy.division, dy.division],
      "Y's pieces stay",
    );
  },
);
