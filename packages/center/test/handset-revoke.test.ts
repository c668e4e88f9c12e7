/**
 * Issue 8 item 8: the owner cuts off a lost handset that never comes back
 * online. `POST /v1/handsets/:name/revoke` refuses its credential everywhere
 * at once (HTTP and channel upgrade, CREDENTIAL_REVOKED), closes a channel it
 * holds, ends its schedule and active job without a "backup could not be
 * made" notice, and tells the owner. Time is a ManualClock; ticks are called.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CenterMessage } from '@phonesafe/protocol';
import { REVOKED } from '../src/channel/channel-registry.ts';
import { ChannelClient } from './channel-client.ts';
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

const HOUR = 3600_000;

describe('revoking a handset', () => {
  let h: Harness;
  let url: string;
  let owner: TestOwner;
  const published: Array<{ handsetId: string; message: CenterMessage }> = [];
  before(async () => {
    h = await startHarness({ tickMs: 0 });
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    owner = await newOwner(h);
    h.bus.subscribe((handsetId, message) => published.push({ handsetId, message }));
  });
  after(async () => h?.close());

  const revoke = (name: string, bearer = owner.token) => call(h, 'POST', `/v1/handsets/${encodeURIComponent(name)}/revoke`, { bearer });

  /** Owner tokens last an hour of clock time and these tests move the clock: log in again. */
  async function relogin(): Promise<void> {
    const login = await call(h, 'POST', '/v1/owners/login', { json: { email: owner.email, authKey: owner.authKey } });
    expectStatus(login, 200);
    owner.token = login.json<{ token: string }>().token;
  }

  it('refuses the credential on every call and on the upgrade, closes the open channel, and keeps its backups', async () => {
    const lost = await enroll(h, owner, 'lost');
    const backupId = await runBackup(h, lost.credential, sealBackup(owner.keys, lost.handsetId, { 'a.jpg': [randomChunk(500)] }));
    const channel = await ChannelClient.connect(url, lost.credential);

    expectStatus(await revoke('lost'), 204);
    await channel.next('credential-revoked');
    assert.equal(await channel.closed, REVOKED);

    const bearer = lost.credential;
    const refused = [
      await call(h, 'GET', '/v1/whoami', { bearer }),
      await call(h, 'GET', '/v1/backups', { bearer }),
      await call(h, 'GET', `/v1/backups/${backupId}`, { bearer }),
      await call(h, 'POST', '/v1/backups', { bearer, json: { kinds: ['media'] } }),
      await call(h, 'POST', '/v1/parts/missing', { bearer, json: { ids: [] } }),
      await call(h, 'GET', '/v1/restores/pending', { bearer }),
      await call(h, 'GET', '/v1/notices', { bearer }),
      await call(h, 'GET', '/v1/history', { bearer }),
      await call(h, 'PUT', '/v1/handsets/me/schedule', { bearer, json: { schedule: null } }),
      // Owner-only routes answer the same: the revocation, not the route, is what is refused.
      await call(h, 'GET', '/v1/handsets', { bearer }),
    ];
    for (const res of refused) expectProblem(res, 'CREDENTIAL_REVOKED', 401);
    const upgrade = await ChannelClient.refusedUpgrade(url, `Bearer ${bearer}`);
    assert.deepEqual([upgrade.status, JSON.parse(upgrade.body).code], [401, 'CREDENTIAL_REVOKED']);

    // The owner still has its backups.
    const listed = await call(h, 'GET', '/v1/backups?handset=lost', { bearer: owner.token });
    assert.deepEqual(
      listed.json().backups.map((b: { backupId: string }) => b.backupId),
      [backupId],
    );
  });

  it("is listed as revoked, is idempotent, leaves one owner notice, and is the owner's alone", async () => {
    const phone = await call(h, 'POST', '/v1/handsets', { bearer: owner.token, json: { name: 'listed', phone: '+819011112222' } });
    expectStatus(phone, 201);
    const keep = await enroll(h, owner, 'kept');
    const before = h.clock.now().toISOString();
    expectStatus(await revoke('listed'), 204);
    h.clock.advance(60_000);
    expectStatus(await revoke('listed'), 204);

    const list = (await call(h, 'GET', '/v1/handsets', { bearer: owner.token })).json<{ handsets: Array<Record<string, unknown>> }>()
      .handsets;
    const byName = new Map(list.map((x) => [x.name, x]));
    assert.deepEqual([byName.get('listed')?.revokedAt, byName.get('listed')?.phone], [before, '+819011112222']);
    assert.deepEqual([byName.get('kept')?.revokedAt, byName.get('kept')?.phone], [null, null]);
    const notices = (await h.store.notices.list(owner.ownerId)).filter((n) => n.kind === 'handset-revoked' && n.handsetName === 'listed');
    assert.equal(notices.length, 1);
    assert.match(notices[0]!.message, /listed/);
    expectStatus(await call(h, 'GET', '/v1/whoami', { bearer: keep.credential }), 200);

    expectProblem(await revoke('no-such-handset'), 'NOT_FOUND', 404);
    const stranger = await newOwner(h);
    expectProblem(await revoke('kept', stranger.token), 'NOT_FOUND', 404);
    expectProblem(await revoke('kept', keep.credential), 'FORBIDDEN', 403);
    expectStatus(await call(h, 'GET', '/v1/whoami', { bearer: keep.credential }), 200);
  });

  it('ends the schedule and the active job: no more start requests, no "backup could not be made"', async () => {
    await relogin();
    const gone = await enroll(h, owner, 'gone');
    const slot = new Date(Math.ceil((h.clock.now().getTime() + 1) / HOUR) * HOUR);
    const schedule = {
      schedule: { every: 'day', at: slot.toISOString().slice(11, 16) },
      retry: { maxTries: 2, intervalSeconds: 600, answerTimeoutSeconds: 60 },
    };
    expectStatus(await call(h, 'PUT', '/v1/handsets/gone/schedule', { bearer: owner.token, json: schedule }), 200);
    h.clock.set(slot);
    await h.scheduler.tick();
    const [job] = await h.store.jobs.listByHandset(gone.handsetId);
    assert.equal(job?.status, 'requested', 'the handset was asked and never answered');

    await relogin();
    expectStatus(await revoke('gone'), 204);
    assert.deepEqual(
      (await h.store.jobs.listByHandset(gone.handsetId)).map((j) => j.status),
      ['cancelled'],
    );
    const view = await call(h, 'GET', '/v1/handsets/gone/schedule', { bearer: owner.token });
    assert.deepEqual([view.json().schedule, view.json().nextRunAt], [null, null]);
    expectProblem(await call(h, 'PUT', '/v1/handsets/gone/schedule', { bearer: owner.token, json: schedule }), 'HANDSET_REVOKED', 409);

    const mark = published.length;
    for (let day = 0; day < 3; day++) {
      h.clock.advance(24 * HOUR);
      await h.scheduler.tick();
    }
    assert.deepEqual(
      (await h.store.jobs.listByHandset(gone.handsetId)).map((j) => j.status),
      ['cancelled'],
    );
    assert.equal(published.slice(mark).filter((p) => p.handsetId === gone.handsetId).length, 0);
    assert.equal(
      (await h.store.notices.list(owner.ownerId, gone.handsetId)).some((n) => n.kind === 'backup-failed'),
      false,
    );
  });
});
