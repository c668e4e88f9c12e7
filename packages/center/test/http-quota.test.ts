/**
 * Issue 8 item 10: the quota holds on stored bytes, loose parts included,
 * not only when a backup opens. A running job whose upload is refused gets
 * its NG; a rescue save is outside the quota; the owner sees the quota and
 * may set a lower limit of its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodePartBatch } from '@phonesafe/protocol';
import type { SealedPart } from '@phonesafe/protocol/node';
import { until } from '@phonesafe/testkit';
import { ChannelClient } from './channel-client.ts';
import {
  call,
  enroll,
  expectProblem,
  expectStatus,
  newOwner,
  putPart,
  randomChunk,
  startHarness,
  type Harness,
  type TestOwner,
} from './http-harness.ts';
import { desk, enrollPhone, newPhone, relogin, saveMemory } from './rescue-fixtures.ts';

const HOUR = 3600_000;
const PART = 6000;

describe('HTTP API: quota on stored bytes', () => {
  let h: Harness;
  let url: string;
  before(async () => {
    h = await startHarness({ tickMs: 0, quotaBytes: 3 * (PART + 100) });
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => h?.close());

  const sealed = (owner: TestOwner, n: number, size = PART) =>
    Array.from({ length: n }, () => owner.keys.sealPart(randomChunk(size), { compress: false }));
  const putBatch = (credential: string, parts: SealedPart[]) =>
    call(h, 'PUT', '/v1/parts', {
      bearer: credential,
      body: encodePartBatch(parts.map((p) => ({ ref: { id: p.id, size: p.bytes.length, sha256: p.sha256 }, bytes: p.bytes }))),
      headers: { 'content-type': 'application/octet-stream' },
    });
  const overQuotaNotices = async (owner: TestOwner) =>
    (await h.store.notices.list(owner.ownerId)).filter((n) => n.kind === 'over-quota').length;

  it('loose parts stop at the quota, alone or in a batch: QUOTA_EXCEEDED, nothing stored, the owner told at most hourly', async () => {
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const [a, b, c, d, e] = sealed(owner, 5);
    for (const part of [a, b, c]) expectStatus(await putPart(h, phone.credential, part!), 201);
    const refused = expectProblem(await putPart(h, phone.credential, d!), 'QUOTA_EXCEEDED', 422);
    assert.deepEqual(refused.extra, { storedBytes: 3 * a!.bytes.length, quotaBytes: 3 * (PART + 100) });
    expectProblem(await putBatch(phone.credential, [d!, e!]), 'QUOTA_EXCEEDED', 422);
    for (const part of [d, e]) {
      assert.equal(await h.store.parts.find(owner.ownerId, part!.id), undefined);
      assert.equal(await h.blobs.has(owner.ownerId, part!.id), false);
    }
    assert.ok((await h.store.parts.totalBytes(owner.ownerId)) <= 3 * (PART + 100));
    // What is stored already costs nothing: the same part again is answered as before.
    expectStatus(await putPart(h, phone.credential, a!), 200);
    assert.equal(await overQuotaNotices(owner), 1, 'one notice for refusals within the hour');
    h.clock.advance(HOUR + 1);
    expectProblem(await putPart(h, phone.credential, d!), 'QUOTA_EXCEEDED', 422);
    assert.equal(await overQuotaNotices(owner), 2);
  });

  it('a job whose backup uploads past the quota is NG over-quota at once', async () => {
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const slot = new Date(Math.ceil((h.clock.now().getTime() + 1) / HOUR) * HOUR);
    const schedule = {
      schedule: { every: 'day', at: slot.toISOString().slice(11, 16) },
      retry: { maxTries: 3, intervalSeconds: 600, answerTimeoutSeconds: 60 },
    };
    expectStatus(await call(h, 'PUT', '/v1/handsets/phone/schedule', { bearer: owner.token, json: schedule }), 200);
    const channel = await ChannelClient.connect(url, phone.credential);
    try {
      h.clock.set(slot);
      await h.scheduler.tick();
      const request = await channel.next('backup-start');
      channel.send({ type: 'backup-start-answer', requestId: request.requestId, answer: 'OK' });
      const running = await until(
        async () => (await h.store.jobs.listByHandset(phone.handsetId)).find((j) => j.status === 'running'),
        'running',
      );
      expectStatus(
        await call(h, 'POST', '/v1/backups', {
          bearer: phone.credential,
          json: { kinds: ['media'], trigger: 'schedule', jobId: running.id },
        }),
        201,
      );
      expectProblem(await putBatch(phone.credential, sealed(owner, 4)), 'QUOTA_EXCEEDED', 422);
      const job = await h.store.jobs.find(running.id);
      assert.deepEqual([job?.status, job?.reasons], ['pending', ['over-quota']]);
    } finally {
      await channel.close();
    }
  });

  it("a rescue save stores the lost handset's memory whatever the quota", async () => {
    const owner = await newOwner(h);
    await relogin(h, owner);
    const phone = newPhone();
    const lost = await enrollPhone(h, owner, 'lost', phone, '13572468');
    for (const part of sealed(owner, 3)) expectStatus(await putPart(h, lost.credential, part), 201);
    const channel = await ChannelClient.connect(url, lost.credential);
    try {
      expectStatus(await desk(h, 'requests', { phone, code: '13572468' }), 202);
      const save = await channel.next('rescue-save');
      await saveMemory(h, owner, lost, save.rescueId);
    } finally {
      await channel.close();
    }
    assert.ok((await h.store.parts.totalBytes(owner.ownerId)) > 3 * (PART + 100));
  });

  it('the owner sees the quota and may set a lower limit of its own, never a higher one', async () => {
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const quota = 3 * (PART + 100);
    const view = async () => {
      const res = await call(h, 'GET', '/v1/quota', { bearer: owner.token });
      expectStatus(res, 200);
      return res.json<Record<string, unknown>>();
    };
    const setLimit = (limitBytes: unknown) => call(h, 'PUT', '/v1/quota', { bearer: owner.token, json: { limitBytes } });
    assert.deepEqual(await view(), { storedBytes: 0, quotaBytes: quota, centerQuotaBytes: quota, limitBytes: null });
    const [a, b] = sealed(owner, 2);
    expectStatus(await putPart(h, phone.credential, a!), 201);

    const lowered = await setLimit(PART + 500);
    expectStatus(lowered, 200);
    assert.deepEqual(lowered.json(), {
      storedBytes: a!.bytes.length,
      quotaBytes: PART + 500,
      centerQuotaBytes: quota,
      limitBytes: PART + 500,
    });
    expectProblem(await putPart(h, phone.credential, b!), 'QUOTA_EXCEEDED', 422);
    expectStatus(await setLimit(10 * quota), 200);
    assert.equal((await view())['quotaBytes'], quota, "the operator's quota still holds");
    expectStatus(await putPart(h, phone.credential, b!), 201);
    expectStatus(await setLimit(null), 200);
    assert.equal((await view())['limitBytes'], null);

    expectProblem(await setLimit(-1), 'VALIDATION_FAILED', 400);
    expectProblem(await call(h, 'GET', '/v1/quota', { bearer: phone.credential }), 'FORBIDDEN', 403);
    expectProblem(await call(h, 'PUT', '/v1/quota', { bearer: phone.credential, json: { limitBytes: 1 } }), 'FORBIDDEN', 403);
  });
});
