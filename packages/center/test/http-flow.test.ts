import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { runFullHandsetFlow } from './http-flow-scenario.ts';
import { call, enroll, expectStatus, newOwner, randomChunk, runBackup, sealBackup, startHarness, type Harness } from './http-harness.ts';

describe('HTTP API on SQLite: the handset flow', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('runs register → login → enrol → backup → list → detail → download → restore → complete', async () => {
    await runFullHandsetFlow(h);
  });

  it('never logs a bearer secret, an auth key or a wrapped data key', async () => {
    const { ownerToken, credential, authKey } = await runFullHandsetFlow(h);
    const logs = h.logs.join('');
    assert.ok(logs.includes('"route":"/v1/backups","status":201'), 'requests are logged, one line each with route and status');
    assert.match(logs, /"level":20,[^\n]*"route":"\/v1\/parts\/:id","status":201/, 'part uploads log at debug level');
    assert.doesNotMatch(logs, /"level":30,[^\n]*"route":"\/v1\/parts\/:id","status":201/, 'and not at info');
    for (const secret of [ownerToken, credential, authKey]) {
      assert.equal(logs.includes(secret.split('.').at(-1)!), false, 'a secret reached the log');
    }
    assert.equal(/wrappedDataKey"\s*:\s*"[A-Za-z0-9+/]/.test(logs), false);
  });

  it('sends only what is missing when content repeats (dedup across backups)', async () => {
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const chunks = { 'a.jpg': [randomChunk(4000)], 'b.jpg': [randomChunk(4000)] };
    await runBackup(h, phone.credential, sealBackup(owner.keys, phone.handsetId, chunks));
    const added = randomChunk(4000);
    const second = sealBackup(owner.keys, phone.handsetId, { ...chunks, 'c.jpg': [added] });
    const ids = [...second.parts, second.manifest].map((part) => part.id);
    const missing = await call(h, 'POST', '/v1/parts/missing', { bearer: phone.credential, json: { ids } });
    assert.deepEqual(missing.json().missing, [owner.keys.partId(added), second.manifest.id], 'only the new part and manifest');
  });

  it('greets an unknown e-mail with stable fake KDF parameters', async () => {
    const ask = () => call(h, 'POST', '/v1/owners/prelogin', { json: { email: 'nobody@example.org' } });
    const [first, second] = [await ask(), await ask()];
    expectStatus(first, 200);
    assert.deepEqual(first.json(), second.json());
    assert.equal(first.json().kdf.algorithm, 'scrypt');
    const other = await call(h, 'POST', '/v1/owners/prelogin', { json: { email: 'somebody@example.org' } });
    assert.notEqual(other.json().kdf.salt, first.json().kdf.salt);
  });

  it('lets a handset order a restore for itself', async () => {
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const backupId = await runBackup(h, phone.credential, sealBackup(owner.keys, phone.handsetId, { 'a.vcf': [randomChunk(10)] }));
    const order = await call(h, 'POST', '/v1/restores', { bearer: phone.credential, json: { backupId, kinds: ['contacts'] } });
    expectStatus(order, 201);
    assert.equal(order.json().handsetId, phone.handsetId);
    assert.deepEqual(order.json().kinds, ['contacts']);
  });
});

describe('HTTP API: retention after each commit', () => {
  it('forgets backups the policy drops and records it in the history', async () => {
    const h = await startHarness({ keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 });
    try {
      const owner = await newOwner(h);
      const phone = await enroll(h, owner, 'phone');
      const first = await runBackup(h, phone.credential, sealBackup(owner.keys, phone.handsetId, { 'a.jpg': [randomChunk(100)] }));
      h.clock.advance(10 * 60_000);
      const second = await runBackup(h, phone.credential, sealBackup(owner.keys, phone.handsetId, { 'a.jpg': [randomChunk(100)] }));
      const list = await call(h, 'GET', '/v1/backups', { bearer: owner.token });
      expectStatus(list, 200);
      assert.deepEqual(
        list.json().backups.map((b: { backupId: string }) => b.backupId),
        [second],
      );
      const events = (await call(h, 'GET', '/v1/history', { bearer: owner.token })).json().events;
      assert.deepEqual(events[0], {
        at: h.clock.now().toISOString(),
        event: 'backup-forgotten',
        handsetName: 'phone',
        backupId: first,
        detail: 'forgotten by the retention policy',
      });
    } finally {
      await h.close();
    }
  });
});
