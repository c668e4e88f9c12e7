/**
 * Issue 14's acceptance story with real processes: a virtual handset whose
 * `handset run` evaluates the wallet's triggers on an accelerated clock, and
 * two independent safes on loopback (one SQLite, one PostgreSQL). Values go
 * to the safes automatically (V13/V14: periodically, coupled; on capacity
 * shortage), the card is freed and holds certificates, and the values come
 * back on recovery triggers (V16: the signal improves; valid from tomorrow)
 * byte for byte, while the safes keep tombstones. An e-money balance chosen
 * by a condition is divided across both safes (V6), one piece at each, and
 * comes back on the same trigger as the coupons. Each value group is a few
 * lines: its value files (added in one `wallet add`), how it leaves the card
 * (a setting, an event), how it comes back (a trigger, an event) and the
 * final byte-for-byte and tombstone checks, which cover every group.
 */
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cli,
  cliFails,
  cliJson,
  pgDatabase,
  pgQuery,
  runHandset,
  scaledClock,
  sqliteRows,
  startSafe,
  tempDir,
  type Env,
} from '@phonesafe/testkit';

interface Entry {
  pointer: number;
  sign: 'A' | 'B';
  size: number;
}
type WalletEvent =
  | { event: 'wallet-backup'; reasons: string[]; deposited: number[]; certificates: number[] }
  | { event: 'wallet-recovered'; reasons: string[]; certificates: number[]; values: number[] }
  | { event: 'wallet-failed'; step: string; code: string; detail: string }
  | { event: 'stopped' };

/** Ten virtual seconds per real second (the safes' 300 s request window is still 30 real seconds wide). */
const { spec, clock } = scaledClock(10);
const ENV: Env = { PHONESAFE_WALLET_SCRYPT_N: '1024', PHONESAFE_CLOCK: spec };
const day = (offset: number) => new Date(clock.now().getTime() + offset * 86_400_000).toISOString().slice(0, 10);

const cardValues = (phone: string) =>
  sqliteRows<{ bytes: Uint8Array }>(join(phone, 'card', 'card.db'), 'SELECT bytes FROM card_values ORDER BY pointer').map((v) =>
    Buffer.from(v.bytes).toString(),
  );
const certificates = async (phone: string) =>
  (await cliJson<{ entries: Entry[] }>(['handset', 'wallet', 'list', '--data', phone, '--certificates'], ENV)).entries.map(
    (e) => e.pointer,
  );
const wallet = (phone: string, ...args: string[]) => cliJson<unknown>(['handset', 'wallet', ...args, '--data', phone], ENV);
test(
  'acceptance: values leave the card automatically for two safes (SQLite, PostgreSQL), the card holds certificates, and come back on triggers byte for byte; the safes keep tombstones',
  { timeout: 240_000 },
  async (t) => {
    const root = await tempDir(t, 'wallet-acceptance');
    const database = await pgDatabase(t);
    const vs = await startSafe(t, join(root, 'vs'), { env: { PHONESAFE_CLOCK: spec } });
    const ks = await startSafe(t, join(root, 'ks'), { db: database.url, env: { PHONESAFE_CLOCK: spec } });
    const phone = join(root, 'phone');
    for (const safe of [vs, ks])
      await cliJson(['handset', 'safe', 'add', '--data', phone, safe.url, '--fingerprint', safe.fingerprint], ENV);
    await wallet(phone, 'setup', '--capacity', '8K');
    await cli(['handset', 'state', '--data', phone, '--signal', '1'], ENV);
    // handset run with no center: the wallet's triggers only. It runs from the start, so every edge below is one it sees.
    const run = runHandset<WalletEvent>(t, phone, ENV, ['--wallet-interval', '100']);
    /** The first wallet event from event number `from` on (taken before the action that causes it) that matches, or a failure. */
    const next = (from: number, what: string, match: (e: WalletEvent) => boolean) =>
      run.next((e) => run.events.indexOf(e) >= from && (match(e) || e.event === 'wallet-failed'), what);
    const done = async <K extends 'wallet-backup' | 'wallet-recovered'>(from: number, what: string, kind: K) => {
      const e = await next(from, what, (x) => x.event === kind);
      assert.notEqual(e.event, 'wallet-failed', JSON.stringify(e));
      return e as Extract<WalletEvent, { event: K }>;
    };

    const file = async (name: string, value: object) => {
      const path = join(root, `${name}.json`);
      await writeFile(path, JSON.stringify(value));
      return path;
    };
    // Group 1 (V7 coupling, V13 periodic): ten small coupons, backed up as one registration at the SQLite safe.
    const files: string[] = [];
    for (let i = 0; i < 10; i++)
      files.push(await file(`coupon-${i}`, { class: 'coupon', name: `coupon ${i}`, place: 'station kiosk', total: 100 }));
    // Group 2 (V14 shortage, V16 valid from tomorrow): a ticket with a large picture, usable from tomorrow.
    files.push(
      await file('ticket', { class: 'movie-ticket', name: 'T', validFrom: day(1), validTo: day(30), data: 'qr:'.padEnd(3000, 'x') }),
    );
    // Group 3 (V6 division, chosen by a condition): an e-money balance, one piece at each safe.
    files.push(await file('money', { class: 'e-money', name: 'M', remaining: 1200 }));
    const pointers = (await cliJson<{ added: Entry[] }>(['handset', 'wallet', 'add', '--data', phone, ...files], ENV)).added.map(
      (e) => e.pointer,
    );
    const [coupons, ticket] = [pointers.slice(0, 10), pointers[10]!];
    const held = cardValues(phone);
    assert.equal(held.length, 12);

    await wallet(
      phone,
      'auto',
      '--set',
      `backup.safe=${vs.url}`,
      '--set',
      'backup.where=class=coupon',
      '--set',
      'backup.couple=couple-then-encrypt',
    );
    const before = (await cliJson<{ free: number }>(['handset', 'wallet', 'list', '--data', phone], ENV)).free;
    let from = run.events.length;
    await wallet(phone, 'auto', '--set', 'backup.every=1m');
    const periodic = await done(from, 'the periodic backup', 'wallet-backup');
    await wallet(phone, 'auto', '--set', 'backup.every=none');
    assert.deepEqual(periodic.reasons, ['periodic']);
    assert.deepEqual([...periodic.deposited].sort(), [...coupons].sort(), 'the ten coupons, by the condition');
    assert.equal(periodic.certificates.length, 1, 'one certificate for ten values');
    assert.deepEqual(cardValues(phone), [held[10], held[11]], 'only the ticket and the balance are left as values');
    const listed = await cliJson<{ entries: Entry[]; free: number }>(['handset', 'wallet', 'list', '--data', phone], ENV);
    assert.ok(listed.free > before, 'the card is freed');
    const divided = (
      await cliJson<{ divided: Array<{ value: number; pieces: Array<{ certificate: number; safeId: string }> }> }>(
        ['handset', 'wallet', 'deposit', '--data', phone, '--split', '2', '--safe', vs.url, '--safe', ks.url, '--where', 'class=e-money'],
        ENV,
      )
    ).divided;
    assert.deepEqual(
      divided.map((d) => d.value),
      [pointers[11]],
      'the balance, by the condition',
    );
    const pieces = divided[0]!.pieces.map((p) => p.certificate);
    assert.equal(new Set(divided[0]!.pieces.map((p) => p.safeId)).size, 2, 'one piece at each safe');
    assert.deepEqual(cardValues(phone), [held[10]], 'only the ticket is left as a value');

    // V14: an add that does not fit is suspended by default, nothing changes; with manual the owner is shown what to deposit;
    // with backup-then-continue the ticket goes first, by the conditions.
    const big = ['--file', await file('big', { class: 'prepaid', name: 'B', remaining: 5000, data: 'b'.padEnd(4500, 'b') })];
    await cliFails(['handset', 'wallet', 'add', '--data', phone, ...big], ENV, 5, 'SAFE_CARD_FULL');
    assert.equal(cardValues(phone).length, 1);
    await wallet(
      phone,
      'auto',
      '--set',
      `backup.safe=${ks.url}`,
      '--set',
      'backup.where=class=movie-ticket',
      '--set',
      'backup.couple=none',
      '--set',
      'shortage=manual',
    );
    const manual = await cliFails(['handset', 'wallet', 'add', '--data', phone, ...big], ENV, 5, 'SAFE_CARD_FULL');
    assert.match(
      manual.stderr,
      new RegExp(`choose values to back up .* on the card: ${ticket} \\(movie-ticket T`),
      'manual: the owner chooses',
    );
    await wallet(phone, 'auto', '--set', 'shortage=backup-then-continue');
    const added = await cliJson<Entry & { backup: { deposited: number[]; certificates: number[] } }>(
      ['handset', 'wallet', 'add', '--data', phone, ...big],
      ENV,
    );
    assert.deepEqual(added.backup.deposited, [ticket], 'the ticket was backed up by the conditions to make room');
    assert.deepEqual((await certificates(phone)).sort(), [...periodic.certificates, ...pieces, ...added.backup.certificates].sort());

    // V16: the owner recalls the coupons and the balance's pieces; they come back when the signal improves, once.
    await wallet(phone, 'recall', String(periodic.certificates[0]), ...pieces.map(String));
    await wallet(phone, 'auto', '--set', 'recover.signalAbove=3');
    from = run.events.length;
    await cli(['handset', 'state', '--data', phone, '--signal', '4'], ENV);
    const bySignal = await done(from, 'the recovery on the signal', 'wallet-recovered');
    assert.deepEqual([bySignal.reasons, [...bySignal.certificates].sort()], [['signal'], [...periodic.certificates, ...pieces].sort()]);

    // V16: the ticket is usable from tomorrow, so it comes back as soon as that trigger is on — but the card is full:
    // the recovery is suspended and said so, nothing changes (C24). Once the owner spends B, memory is freed and it comes back.
    from = run.events.length;
    await wallet(phone, 'auto', '--set', 'recover.validTomorrow=true');
    const suspended = await next(from, 'the suspended recovery of the ticket', () => false);
    assert.deepEqual([suspended.event, (suspended as { code?: string }).code], ['wallet-failed', 'SAFE_CARD_FULL']);
    assert.deepEqual(await certificates(phone), added.backup.certificates);
    await wallet(phone, 'recall', String(added.backup.certificates[0]));
    await wallet(phone, 'auto', '--set', 'recover.freeAbove=6000');
    from = run.events.length;
    await wallet(phone, 'delete', String(added.pointer));
    const byMemory = await done(from, 'the recovery when memory is freed', 'wallet-recovered');
    assert.deepEqual([byMemory.reasons, byMemory.certificates], [['memory-freed'], added.backup.certificates]);
    await run.stop();
    assert.equal(run.events.filter((e) => e.event === 'wallet-recovered').length, 2, 'each edge recovered once');
    assert.equal(run.events.filter((e) => e.event === 'wallet-failed').length, 1, 'the valid-tomorrow edge fired once, not on every look');
    assert.equal(run.events.filter((e) => e.event === 'wallet-backup').length, 1, 'one periodic backup with something to back up');

    assert.deepEqual(cardValues(phone).sort(), [...held].sort(), 'every value that went to a safe is back, byte for byte (B was spent)');
    assert.deepEqual(await certificates(phone), []);
    assert.deepEqual(
      sqliteRows<{ state: string; body: string | null }>(join(vs.data, 'safe.db'), 'SELECT state, body FROM deposits').map((r) => [
        r.state,
        r.body,
      ]),
      [
        ['released', null],
        ['released', null],
      ],
      'tombstones at the SQLite safe (the coupled registration, a piece of the balance)',
    );
    assert.deepEqual(
      await pgQuery(database.url, 'SELECT state, body FROM deposits'),
      [
        { state: 'released', body: null },
        { state: 'released', body: null },
      ],
      'and at the PostgreSQL safe (the ticket, the other piece)',
    );
  },
);
