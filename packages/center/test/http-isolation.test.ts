/**
 * Owners are walled off from each other: another owner's backup, part or
 * restore id answers NOT_FOUND (never FORBIDDEN, so ids cannot be probed),
 * and nothing of the victim's changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  call,
  enroll,
  expectProblem,
  expectStatus,
  newOwner,
  randomChunk,
  runBackup,
  sealBackup,
  startHarness,
  type Harness,
  type SealedBackup,
  type TestOwner,
} from './http-harness.ts';

describe('HTTP API: one owner cannot reach another owner’s data', () => {
  let h: Harness;
  let alice: TestOwner;
  let mallory: TestOwner;
  let alicePhone: { handsetId: string; credential: string };
  let malloryPhone: { handsetId: string; credential: string };
  let backup: SealedBackup;
  let backupId: string;
  let restoreId: string;

  before(async () => {
    h = await startHarness();
    alice = await newOwner(h);
    mallory = await newOwner(h);
    alicePhone = await enroll(h, alice, 'phone');
    malloryPhone = await enroll(h, mallory, 'phone');
    backup = sealBackup(alice.keys, alicePhone.handsetId, { 'a.jpg': [randomChunk(1000)] });
    backupId = await runBackup(h, alicePhone.credential, backup);
    const order = await call(h, 'POST', '/v1/restores', { bearer: alice.token, json: { backupId, toHandset: 'phone' } });
    expectStatus(order, 201);
    restoreId = order.json().restoreId;
  });
  after(() => h.close());

  for (const who of ['owner', 'handset'] as const) {
    const bearer = () => (who === 'owner' ? mallory.token : malloryPhone.credential);

    it(`${who}: list shows none of them`, async () => {
      const list = await call(h, 'GET', '/v1/backups', { bearer: bearer() });
      expectStatus(list, 200);
      assert.deepEqual(list.json().backups, []);
    });

    it(`${who}: detail, part download, restore and completion answer NOT_FOUND`, async () => {
      expectProblem(await call(h, 'GET', `/v1/backups/${backupId}`, { bearer: bearer() }), 'NOT_FOUND', 404);
      expectProblem(await call(h, 'GET', `/v1/parts/${backup.parts[0]!.id}`, { bearer: bearer() }), 'NOT_FOUND', 404);
      expectProblem(await call(h, 'GET', `/v1/parts/${backup.manifest.id}`, { bearer: bearer() }), 'NOT_FOUND', 404);
      const restore = await call(h, 'POST', '/v1/restores', { bearer: bearer(), json: { backupId, toHandset: 'phone' } });
      expectProblem(restore, 'NOT_FOUND', 404);
      const complete = await call(h, 'POST', `/v1/restores/${restoreId}/complete`, { bearer: bearer(), json: { restored: 0, skipped: 0 } });
      expectProblem(complete, 'NOT_FOUND', 404);
    });
  }

  it('owner: delete answers NOT_FOUND', async () => {
    expectProblem(await call(h, 'DELETE', `/v1/backups/${backupId}`, { bearer: mallory.token }), 'NOT_FOUND', 404);
  });

  it('handset: cannot end another owner’s open backup', async () => {
    const start = await call(h, 'POST', '/v1/backups', { bearer: alicePhone.credential, json: { kinds: ['media'] } });
    const open = start.json().backupId;
    expectProblem(
      await call(h, 'POST', `/v1/backups/${open}/end`, { bearer: malloryPhone.credential, json: backup.notice }),
      'NOT_FOUND',
      404,
    );
    assert.equal((await h.store.backups.find(alice.ownerId, open))?.status, 'open');
  });

  it('the part ids of one owner are unknown to another (missing lists them)', async () => {
    const missing = await call(h, 'POST', '/v1/parts/missing', { bearer: malloryPhone.credential, json: { ids: [backup.parts[0]!.id] } });
    assert.deepEqual(missing.json().missing, [backup.parts[0]!.id]);
  });

  it('after all that, the victim’s backup, order and history are untouched', async () => {
    const detail = await call(h, 'GET', `/v1/backups/${backupId}`, { bearer: alice.token });
    expectStatus(detail, 200);
    const pending = await call(h, 'GET', '/v1/restores/pending', { bearer: alicePhone.credential });
    assert.deepEqual(
      pending.json().restores.map((r: { restoreId: string }) => r.restoreId),
      [restoreId],
    );
    const events = (await call(h, 'GET', '/v1/history', { bearer: alice.token })).json().events;
    assert.deepEqual(
      events.map((e: { event: string }) => e.event),
      ['restore-requested', 'backup-committed'],
    );
    assert.deepEqual((await call(h, 'GET', '/v1/history', { bearer: mallory.token })).json().events, []);
  });

  it('a handset sees only its own history; the owner sees all handsets', async () => {
    const second = await enroll(h, alice, 'tablet');
    await runBackup(h, second.credential, sealBackup(alice.keys, second.handsetId, { 'b.jpg': [randomChunk(10)] }));
    const own = (await call(h, 'GET', '/v1/history', { bearer: second.credential })).json().events;
    assert.deepEqual(
      own.map((e: { handsetName: string }) => e.handsetName),
      ['tablet'],
    );
    const all = (await call(h, 'GET', '/v1/history', { bearer: alice.token })).json().events;
    assert.deepEqual(new Set(all.map((e: { handsetName: string }) => e.handsetName)), new Set(['tablet', 'phone']));
  });

  it('a handset cannot end a backup another handset of the same owner started', async () => {
    const tablet = await enroll(h, alice, 'tablet 2');
    const start = await call(h, 'POST', '/v1/backups', { bearer: alicePhone.credential, json: { kinds: ['media'] } });
    expectProblem(
      await call(h, 'POST', `/v1/backups/${start.json().backupId}/end`, { bearer: tablet.credential, json: backup.notice }),
      'NOT_FOUND',
      404,
    );
  });
});
