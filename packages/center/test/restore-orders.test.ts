/**
 * Restore orders (B6) through HTTP: who may ask for a backup to be deleted
 * once restored.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newId } from '../src/ids.ts';
import { call, enroll, expectProblem, expectStatus, newOwner, randomChunk, runBackup, sealBackup, startHarness, type Harness, type TestOwner } from './http-harness.ts';

describe('restore orders: deletion after restore', () => {
  let h: Harness;
  let owner: TestOwner;
  let phone: { handsetId: string; credential: string };
  let backupId: string;

  beforeEach(async () => {
    h = await startHarness();
    owner = await newOwner(h);
    phone = await enroll(h, owner, 'phone');
    backupId = await runBackup(h, phone.credential, sealBackup(owner.keys, phone.handsetId, { 'a.jpg': [randomChunk(100)] }));
  });
  afterEach(() => h.close());

  const complete = (restoreId: string) => call(h, 'POST', `/v1/restores/${restoreId}/complete`, { bearer: phone.credential, json: { restored: 1, skipped: 0 } });

  it('a handset may not ask for deletion: FORBIDDEN, no order stored, the backup stays', async () => {
    const res = await call(h, 'POST', '/v1/restores', { bearer: phone.credential, json: { backupId, deleteAfter: true } });
    expectProblem(res, 'FORBIDDEN', 403);
    assert.deepEqual(await h.store.restores.listPending(phone.handsetId), []);
    assert.ok(await h.store.backups.find(owner.ownerId, backupId));
  });

  it("the owner's order with deleteAfter deletes the backup when the handset completes it", async () => {
    const order = await call(h, 'POST', '/v1/restores', { bearer: owner.token, json: { backupId, toHandset: 'phone', deleteAfter: true } });
    expectStatus(order, 201);
    const done = await complete(order.json().restoreId);
    expectStatus(done, 200);
    assert.equal(done.json().backupDeleted, true);
    assert.equal(await h.store.backups.find(owner.ownerId, backupId), undefined);
  });

  it('an order not placed by the owner never deletes, even if it says deleteAfter (orders stored before the owner was recorded)', async () => {
    const id = newId();
    await h.store.restores.create({
      id,
      ownerId: owner.ownerId,
      backupId,
      handsetId: phone.handsetId,
      kinds: null,
      deleteAfter: true,
      overwrite: 'yes',
      placedBy: null,
      status: 'pending',
      requestedAt: h.clock.now().toISOString(),
      completedAt: null,
    });
    const done = await complete(id);
    expectStatus(done, 200);
    assert.equal(done.json().backupDeleted, false);
    assert.ok(await h.store.backups.find(owner.ownerId, backupId));
  });
});
