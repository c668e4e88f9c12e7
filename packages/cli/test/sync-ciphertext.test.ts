/**
 * End-to-end encryption of the user area (sync.md "Collection keys") and
 * bad sync messages. A marker planted in a contact's content and file name
 * is synced from one handset to another through the center; it reaches the
 * second handset, and a scan of the center's data directory (database, WAL,
 * blobs) finds it nowhere. A value on A's IC card never travels: it is in
 * neither the user area nor B. Malformed and oversized sync messages are
 * answered 4xx problem+json and store nothing.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliJson, listFiles, asHandset, ran, SyncWorld, craftedPut } from '@phonesafe/testkit';

const MARKER = 'Quuxbarzonk7781';
const CARD_MARKER = 'CardOnlyZorblat4412';

test(
  'synced contacts reach the other handset; the center holds no plaintext marker; bad messages are 4xx and store nothing',
  { timeout: 300_000 },
  async (t) => {
    const world = await SyncWorld.create(t, ['A', 'B']);
    await world.bindAll();
    await world.insert('A');
    const path = `contacts/${MARKER}.vcf`;
    await world.save('A', { [path]: `BEGIN:VCARD\nVERSION:3.0\nFN:${MARKER}\nNOTE:${MARKER.repeat(20)}\nEND:VCARD\n` });
    const wallet = { ...world.env, PHONESAFE_WALLET_SCRYPT_N: '1024' };
    await cliJson(
      ['handset', 'wallet', 'add', '--data', world.dir('A'), '--class', 'prepaid', '--name', CARD_MARKER, '--remaining', '800'],
      wallet,
    );
    assert.deepEqual(ran(await world.remove('A'), 'A out').uploaded, [path], 'the contact goes up, the card does not');
    assert.deepEqual(ran(await world.insert('B'), 'B in').downloaded, [path]);
    const exported = await world.exportOf('B');
    assert.ok(exported.get(path)?.includes(MARKER), 'the marker really went through');
    assert.deepEqual([...(await world.area()).keys()], [path], 'the user area holds the contact only');
    assert.ok(![...exported.values()].some((content) => content.includes(CARD_MARKER)), "B holds nothing of A's card");
    assert.equal(existsSync(join(world.dir('B'), 'card')), false, 'B has no card');

    const marker = Buffer.from(MARKER);
    const files = await listFiles(world.w.data);
    for (const name of ['center.db', 'center.db-wal']) assert.ok(files.includes(join(world.w.data, name)), `${name} is scanned`);
    for (const file of files) {
      const bytes = await readFile(file);
      assert.equal(bytes.indexOf(marker), -1, `${file} contains the plaintext marker`);
      assert.equal(bytes.indexOf(CARD_MARKER), -1, `${file} contains the card's value`);
    }

    // Crafted, bad messages from B (a registered terminal holding the SIM).
    const open = await world.openSessionAs('B', 'both');
    assert.equal(open.status, 201);
    const session = `/v1/sync/sessions/${open.json.sessionId as string}`;
    const change = () => craftedPut('contacts');
    const before = await world.area();
    const bad: Array<[string, unknown, number, string]> = [
      ['a change without its guid', { changes: [{ ...change(), guid: undefined }] }, 400, 'VALIDATION_FAILED'],
      ['an unknown operation', { changes: [{ ...change(), op: 'rename' }] }, 400, 'VALIDATION_FAILED'],
      ['a put without its body', { changes: [{ ...change(), body: undefined }] }, 400, 'VALIDATION_FAILED'],
      ['a body over the inline limit', { changes: [{ ...change(), body: 'A'.repeat(6 * 1024 * 1024) }] }, 400, 'VALIDATION_FAILED'],
      ['more than 500 changes', { changes: Array.from({ length: 501 }, change) }, 400, 'VALIDATION_FAILED'],
      ['one guid twice', { changes: [change(), change()].map((c, _i, all) => ({ ...c, guid: all[0]!.guid })) }, 400, 'VALIDATION_FAILED'],
      ['a kind the terminal does not sync', { changes: [{ ...change(), kind: 'nonsense' }] }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [what, body, status, code] of bad) {
      const res = await asHandset(world.dir('B'), 'POST', `${session}/changes`, body);
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.json).slice(0, 300)}`);
      assert.equal(res.json.code, code, what);
    }
    const identity = JSON.parse(await readFile(join(world.dir('B'), 'identity.json'), 'utf8')) as { center: string; credential: string };
    const broken = await fetch(`${identity.center}${session}/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${identity.credential}`, 'content-type': 'application/json' },
      body: '{"changes": [',
    });
    assert.equal(broken.status, 400);
    assert.match(broken.headers.get('content-type') ?? '', /application\/problem\+json/);
    const unknown = await asHandset(world.dir('A'), 'GET', `${session}/changes?after=0`);
    assert.equal(unknown.status, 404, "another handset cannot use B's session");
    assert.equal(unknown.json.code, 'SYNC_SESSION_UNKNOWN');
    assert.deepEqual(await world.area(), before, 'nothing was stored');
  },
);
