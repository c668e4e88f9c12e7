/**
 * Restore orders (B6) through HTTP: who may ask for a backup to be deleted
 * once restored.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newId } from '../src/ids.ts';
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
  type TestOwner,
} from './http-harness.ts';

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

  const complete = (restoreId: string) =>
    call(h, 'POST', `/v1/restores/${restoreId}/complete`, { bearer: phone.credential, json: { restored: 1, skipped: 0 } });

  it('a handset may not ask for deletion: FORBIDDEN, no order stored, the backup stays', async () => {
    const res = await call(h, 'POST', '/v1/restores', { bearer: phone.credential, json: { backupId, deleteAfter: true } });
    expectProblem(res, 'FORBIDDEN', 403);
    assert.deepEqual(await h.store.restores.listPending(phone.handsetId, h.clock.now().toISOString()), []);
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
      attempts: 0,
      lastCode: null,
      nextTryAt: null,
    });
    const done = await complete(id);
    expectStatus(done, 200);
    assert.equal(done.json().backupDeleted, false);
    assert.ok(await h.store.backups.find(owner.ownerId, backupId));
  });
});

describe('restore orders: failures, backoff, cancel', () => {
  let h: Harness;
  let owner: TestOwner;
  let phone: { handsetId: string; credential: string };
  let restoreId: string;

  beforeEach(async () => {
    h = await startHarness();
    owner = await newOwner(h);
    phone = await enroll(h, owner, 'phone');
    const backupId = await runBackup(h, phone.credential, sealBackup(owner.keys, phone.handsetId, { 'a.jpg': [randomChunk(100)] }));
    const order = await call(h, 'POST', '/v1/restores', { bearer: owner.token, json: { backupId, toHandset: 'phone', overwrite: 'yes' } });
    expectStatus(order, 201);
    restoreId = order.json().restoreId;
  });
  afterEach(() => h.close());

  const pendingIds = async () => {
    const res = await call(h, 'GET', '/v1/restores/pending', { bearer: phone.credential });
    expectStatus(res, 200);
    return res.json<{ restores: Array<{ restoreId: string }> }>().restores.map((r) => r.restoreId);
  };
  const report = (code: string, bearer = phone.credential) =>
    call(h, 'POST', `/v1/restores/${restoreId}/failed`, { bearer, json: { code } });
  const listed = async () => {
    const res = await call(h, 'GET', '/v1/restores', { bearer: owner.token });
    expectStatus(res, 200);
    return res.json<{
      restores: Array<{
        restoreId: string;
        status: string;
        attempts: number;
        lastCode: string | null;
        nextTryAt: string | null;
        handsetName: string;
      }>;
    }>().restores;
  };

  it('a reported failure is retried with backoff (1 min doubling to 1 h), then given up with an owner notice', async () => {
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 10; attempt++) {
      assert.deepEqual(await pendingIds(), [restoreId], `due before report ${attempt}`);
      const res = await report('PART_DAMAGED');
      expectStatus(res, 200);
      const order = res.json<{ status: string; attempts: number; lastCode: string; nextTryAt: string | null }>();
      assert.deepEqual([order.attempts, order.lastCode], [attempt, 'PART_DAMAGED']);
      if (attempt === 10) {
        assert.deepEqual([order.status, order.nextTryAt], ['failed', null]);
        break;
      }
      assert.equal(order.status, 'pending');
      const delay = Date.parse(order.nextTryAt!) - h.clock.now().getTime();
      delays.push(delay / 60_000);
      assert.deepEqual(await pendingIds(), [], 'not due until its next try');
      h.clock.advance(delay - 1000);
      assert.deepEqual(await pendingIds(), [], 'still not due a second before');
      h.clock.advance(1000);
    }
    assert.deepEqual(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    assert.deepEqual(await pendingIds(), []);
    // Hours passed on the clock: the owner's token (1 h) has expired.
    const login = await call(h, 'POST', '/v1/owners/login', { json: { email: owner.email, authKey: owner.authKey } });
    expectStatus(login, 200);
    owner.token = login.json<{ token: string }>().token;
    const [view] = await listed();
    assert.deepEqual([view?.status, view?.attempts, view?.lastCode, view?.handsetName], ['failed', 10, 'PART_DAMAGED', 'phone']);
    const notices = (await call(h, 'GET', '/v1/notices', { bearer: owner.token })).json<{
      notices: Array<{ kind: string; message: string }>;
    }>().notices;
    const notice = notices.find((n) => n.kind === 'restore-failed');
    assert.ok(notice, JSON.stringify(notices));
    assert.match(notice.message, /restore .* could not be applied.*PART_DAMAGED/);
    // A late report changes nothing.
    const late = await report('NETWORK');
    expectStatus(late, 200);
    assert.deepEqual([late.json().status, late.json().attempts], ['failed', 10]);
  });

  it('a failure report carries only a known error code, from the destination handset', async () => {
    expectProblem(
      await call(h, 'POST', `/v1/restores/${restoreId}/failed`, {
        bearer: phone.credential,
        json: { code: 'PART_DAMAGED', detail: 'photos/secret.jpg' },
      }),
      'VALIDATION_FAILED',
      400,
    );
    expectProblem(await report('NO_SUCH_CODE'), 'VALIDATION_FAILED', 400);
    const other = await enroll(h, owner, 'other');
    expectProblem(await report('PART_DAMAGED', other.credential), 'NOT_FOUND', 404);
    expectProblem(await report('PART_DAMAGED', owner.token), 'FORBIDDEN', 403);
    const [view] = await listed();
    assert.deepEqual([view?.status, view?.attempts], ['pending', 0]);
  });

  it('the owner cancels a pending order; it is not applied, and completing it afterwards changes nothing', async () => {
    expectProblem(await call(h, 'POST', `/v1/restores/${restoreId}/cancel`, { bearer: phone.credential }), 'FORBIDDEN', 403);
    const stranger = await newOwner(h);
    expectProblem(await call(h, 'POST', `/v1/restores/${restoreId}/cancel`, { bearer: stranger.token }), 'NOT_FOUND', 404);
    const cancel = await call(h, 'POST', `/v1/restores/${restoreId}/cancel`, { bearer: owner.token });
    expectStatus(cancel, 200);
    assert.equal(cancel.json().status, 'cancelled');
    expectStatus(await call(h, 'POST', `/v1/restores/${restoreId}/cancel`, { bearer: owner.token }), 200);
    assert.deepEqual(await pendingIds(), []);
    const late = await call(h, 'POST', `/v1/restores/${restoreId}/complete`, {
      bearer: phone.credential,
      json: { restored: 1, skipped: 0 },
    });
    expectStatus(late, 200);
    assert.deepEqual([late.json().status, late.json().backupDeleted], ['cancelled', false]);
    assert.equal((await listed())[0]?.status, 'cancelled');
  });

  it('a completed order cannot be cancelled: RESTORE_NOT_PENDING', async () => {
    expectStatus(
      await call(h, 'POST', `/v1/restores/${restoreId}/complete`, { bearer: phone.credential, json: { restored: 1, skipped: 0 } }),
      200,
    );
    expectProblem(await call(h, 'POST', `/v1/restores/${restoreId}/cancel`, { bearer: owner.token }), 'RESTORE_NOT_PENDING', 409);
    assert.equal((await listed())[0]?.status, 'completed');
  });
});
