/**
 * The live channel and center-initiated backup on one center (SQLite, the
 * in-process bus): schedules, start requests, OK/NG answers and the refusal
 * of forged, foreign and replayed ones, retries, give-up, timeouts, dropped
 * channels, missed slots, quota. Time is a ManualClock; ticks are called.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { settle, until } from '@phonesafe/testkit';
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

const MINUTE = 60_000;

describe('live channel and scheduled backups', () => {
  let h: Harness;
  let url: string;
  let owner: TestOwner;
  before(async () => {
    h = await startHarness({ tickMs: 0 });
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    owner = await newOwner(h);
  });
  after(async () => h?.close());

  /** A handset with a daily schedule at the next whole hour and a short retry policy, connected. */
  async function scheduledHandset(name: string, retry = { maxTries: 3, intervalSeconds: 600, answerTimeoutSeconds: 60 }) {
    await relogin();
    const { handsetId, credential } = await enroll(h, owner, name);
    const at = new Date(Math.ceil((h.clock.now().getTime() + 1) / (60 * MINUTE)) * 60 * MINUTE);
    const hhmm = at.toISOString().slice(11, 16);
    const put = await call(h, 'PUT', `/v1/handsets/${name}/schedule`, {
      bearer: owner.token,
      json: { schedule: { every: 'day', at: hhmm }, retry },
    });
    expectStatus(put, 200);
    const channel = await ChannelClient.connect(url, credential);
    return { handsetId, credential, channel, slot: at };
  }

  const jobsOf = (handsetId: string) => h.store.jobs.listByHandset(handsetId);

  /** Owner tokens last an hour of clock time and these tests move the clock by days: log in again. */
  async function relogin(): Promise<void> {
    const login = await call(h, 'POST', '/v1/owners/login', { json: { email: owner.email, authKey: owner.authKey } });
    expectStatus(login, 200);
    owner.token = login.json<{ token: string }>().token;
  }

  it('schedule routes: none until set, owner and handset can set it, a past date is refused', async () => {
    const { credential } = await enroll(h, owner, 'sched');
    const none = await call(h, 'GET', '/v1/handsets/sched/schedule', { bearer: owner.token });
    expectStatus(none, 200);
    assert.deepEqual(none.json().schedule, null);
    assert.deepEqual(none.json().retry, { intervalSeconds: 600, answerTimeoutSeconds: 60, maxTries: 6 });
    assert.equal(none.json().nextRunAt, null);

    const put = await call(h, 'PUT', '/v1/handsets/sched/schedule', {
      bearer: owner.token,
      json: { schedule: { every: 'week', weekday: 1, at: '08:00' }, retry: { maxTries: 2 } },
    });
    expectStatus(put, 200);
    assert.equal(put.json().retry.maxTries, 2);
    assert.ok(put.json().nextRunAt > h.clock.now().toISOString());

    // The handset registers its own trigger; the owner's retry override stays.
    const mine = await call(h, 'PUT', '/v1/handsets/me/schedule', {
      bearer: credential,
      json: { schedule: { every: 'once', on: '2026-12-24T18:00:00.000Z' } },
    });
    expectStatus(mine, 200);
    assert.deepEqual(mine.json().schedule, { every: 'once', on: '2026-12-24T18:00:00.000Z' });
    assert.equal(mine.json().nextRunAt, '2026-12-24T18:00:00.000Z');
    assert.equal(mine.json().retry.maxTries, 2);
    expectStatus(await call(h, 'GET', '/v1/handsets/me/schedule', { bearer: credential }), 200);

    expectProblem(
      await call(h, 'PUT', '/v1/handsets/me/schedule', {
        bearer: credential,
        json: { schedule: { every: 'once', on: '2020-01-01T00:00:00.000Z' } },
      }),
      'VALIDATION_FAILED',
      400,
    );
    expectProblem(await call(h, 'PUT', '/v1/handsets/sched/schedule', { bearer: credential, json: { schedule: null } }), 'FORBIDDEN', 403);
    const stranger = await newOwner(h);
    expectProblem(await call(h, 'GET', '/v1/handsets/sched/schedule', { bearer: stranger.token }), 'NOT_FOUND', 404);
  });

  it('the upgrade needs a handset credential; refusals are problem+json', async () => {
    const anonymous = await ChannelClient.refusedUpgrade(url);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.contentType, /application\/problem\+json/);
    assert.equal(JSON.parse(anonymous.body).code, 'UNAUTHENTICATED');
    const asOwner = await ChannelClient.refusedUpgrade(url, `Bearer ${owner.token}`);
    assert.equal(asOwner.status, 403);
  });

  it('a backup start naming a job still waiting for its answer counts as the OK (the HTTP start overtook the channel answer)', async () => {
    const a = await scheduledHandset('overtaker');
    const other = await scheduledHandset('bystander');
    h.clock.set(a.slot);
    await h.scheduler.tick();
    const request = await a.channel.next('backup-start');
    const [job] = await jobsOf(a.handsetId);
    assert.equal(job?.status, 'requested');
    // Another handset cannot claim the job, answered or not.
    expectProblem(
      await call(h, 'POST', '/v1/backups', {
        bearer: other.credential,
        json: { kinds: ['media'], trigger: 'schedule', jobId: request.jobId },
      }),
      'NOT_FOUND',
      404,
    );
    const sealed = sealBackup(owner.keys, a.handsetId, { 'b.jpg': [randomChunk(1000)] });
    const backupId = await runBackup(h, a.credential, sealed, { trigger: 'schedule', jobId: request.jobId });
    const done = await h.store.jobs.find(request.jobId);
    assert.deepEqual([done?.status, done?.backupId, done?.attempt], ['done', backupId, 1], 'one try, closed by the backup');
    // The OK itself arrives late: nothing is waiting for it, and it changes nothing.
    assert.equal((await a.channel.refused({ type: 'backup-start-answer', requestId: request.requestId, answer: 'OK' })).code, 'NOT_FOUND');
    assert.equal((await h.store.jobs.find(request.jobId))?.status, 'done');
  });

  it('start request, refusals of forged / foreign / replayed answers, NG then OK, backup answers the job', async () => {
    const a = await scheduledHandset('alpha');
    const b = await scheduledHandset('bravo');
    h.clock.set(a.slot);
    await h.scheduler.tick();
    const first = await a.channel.next('backup-start');
    assert.equal(first.attempt, 1);
    assert.equal(first.answerBy, new Date(a.slot.getTime() + MINUTE).toISOString());
    const [job] = await jobsOf(a.handsetId);
    assert.equal(job?.status, 'requested');

    const forged = await a.channel.refused({ type: 'backup-start-answer', requestId: 'forged-request-id', answer: 'OK' });
    assert.equal(forged.code, 'NOT_FOUND');
    const foreign = await b.channel.refused({ type: 'backup-start-answer', requestId: first.requestId, answer: 'OK' });
    assert.equal(foreign.code, 'NOT_FOUND');
    assert.equal(
      (await a.channel.refused({ type: 'backup-start-answer', requestId: first.requestId, answer: 'MAYBE' })).code,
      'VALIDATION_FAILED',
    );
    assert.equal((await a.channel.refused('not json')).code, 'BAD_REQUEST');
    assert.deepEqual(await jobsOf(a.handsetId), [job], 'refused messages change nothing');

    a.channel.send({ type: 'backup-start-answer', requestId: first.requestId, answer: 'NG', reason: 'writing-backup-area' });
    const retrying = await until(async () => (await jobsOf(a.handsetId)).find((j) => j.status === 'pending'), 'the retry');
    assert.equal(retrying.attempt, 2);
    assert.equal(retrying.dueAt, new Date(a.slot.getTime() + 10 * MINUTE).toISOString());
    assert.deepEqual(retrying.reasons, ['writing-backup-area']);
    const replay = await a.channel.refused({ type: 'backup-start-answer', requestId: first.requestId, answer: 'OK' });
    assert.equal(replay.requestId, first.requestId);
    assert.equal((await jobsOf(a.handsetId))[0]?.status, 'pending', 'the replay changed nothing');

    await h.scheduler.tick();
    assert.equal(a.channel.of('backup-start').length, 1, 'not due before the interval');
    h.clock.advance(10 * MINUTE);
    await h.scheduler.tick();
    const second = await a.channel.next('backup-start', a.channel.received.indexOf(first) + 1);
    assert.equal(second.attempt, 2);
    assert.notEqual(second.requestId, first.requestId);
    a.channel.send({ type: 'backup-start-answer', requestId: second.requestId, answer: 'OK' });
    const runningJob = await until(async () => (await jobsOf(a.handsetId)).find((j) => j.status === 'running'), 'running');
    assert.equal(runningJob.runDeadline, new Date(h.clock.now().getTime() + 30 * MINUTE).toISOString());
    assert.equal((await a.channel.refused({ type: 'backup-start-answer', requestId: second.requestId, answer: 'OK' })).code, 'NOT_FOUND');

    // Another handset cannot use the job; the right one can.
    const sealed = sealBackup(owner.keys, a.handsetId, { 'a.jpg': [randomChunk(1000)] });
    expectProblem(
      await call(h, 'POST', '/v1/backups', { bearer: b.credential, json: { kinds: ['media'], trigger: 'schedule', jobId: runningJob.id } }),
      'NOT_FOUND',
      404,
    );
    const backupId = await runBackup(h, a.credential, sealed, { trigger: 'schedule', jobId: runningJob.id });
    const doneJob = await h.store.jobs.find(runningJob.id);
    assert.equal(doneJob?.status, 'done');
    assert.equal(doneJob?.backupId, backupId);

    // The next day's slot makes a new job: done does not hold the handset's slot.
    h.clock.set(new Date(a.slot.getTime() + 24 * 60 * MINUTE));
    await h.scheduler.tick();
    assert.equal((await a.channel.next('backup-start', a.channel.received.indexOf(second) + 1)).attempt, 1);

    // B never answered: its request timed out into a retry.
    assert.ok((await jobsOf(b.handsetId)).every((j) => j.reasons.includes('no-answer') || j.status === 'requested'));

    // A restore order for A is pushed to A.
    const mark = a.channel.received.length;
    await relogin();
    const order = await call(h, 'POST', '/v1/restores', { bearer: owner.token, json: { backupId, toHandset: 'alpha' } });
    expectStatus(order, 201);
    await a.channel.next('restore-pending', mark);
    await a.channel.close();
    await b.channel.close();
  });

  it('a dropped channel between OK and the transfer is NG disconnected: retry, and no backup', async () => {
    const c = await scheduledHandset('charlie');
    h.clock.set(c.slot);
    await h.scheduler.tick();
    const request = await c.channel.next('backup-start');
    c.channel.send({ type: 'backup-start-answer', requestId: request.requestId, answer: 'OK' });
    const running = await until(async () => (await jobsOf(c.handsetId)).find((j) => j.status === 'running'), 'running');
    await c.channel.close();
    const retried = await until(async () => (await jobsOf(c.handsetId)).find((j) => j.status === 'pending'), 'NG disconnected');
    assert.deepEqual(retried.reasons, ['disconnected']);
    assert.equal(retried.attempt, 2);
    expectProblem(
      await call(h, 'POST', '/v1/backups', { bearer: c.credential, json: { kinds: ['media'], trigger: 'schedule', jobId: running.id } }),
      'NOT_FOUND',
      404,
    );
    await relogin();
    const listed = await call(h, 'GET', '/v1/backups?handset=charlie', { bearer: owner.token });
    assert.deepEqual(listed.json().backups, []);
  });

  it("a backup that failed after OK is reported: NG transfer-failed now, not at the deadline; only the running job's own report counts", async () => {
    const d = await scheduledHandset('reporter');
    const e = await scheduledHandset('onlooker');
    h.clock.set(d.slot);
    await h.scheduler.tick();
    const request = await d.channel.next('backup-start');
    const report = { type: 'backup-failed', requestId: request.requestId, code: 'NETWORK' };
    // Before the OK the job is not running: nothing to fail.
    assert.equal((await d.channel.refused(report)).code, 'NOT_FOUND');
    d.channel.send({ type: 'backup-start-answer', requestId: request.requestId, answer: 'OK' });
    await until(async () => (await jobsOf(d.handsetId)).find((j) => j.status === 'running'), 'running');
    assert.equal((await e.channel.refused(report)).code, 'NOT_FOUND', 'another handset cannot fail the job');
    assert.equal(
      (await d.channel.refused({ ...report, code: 'a detail with /a/file/name' })).code,
      'VALIDATION_FAILED',
      'a code, never free text',
    );
    d.channel.send(report);
    const retried = await until(async () => (await jobsOf(d.handsetId)).find((j) => j.status === 'pending'), 'NG transfer-failed');
    assert.deepEqual(
      [retried.reasons, retried.attempt, retried.dueAt],
      [['transfer-failed'], 2, new Date(d.slot.getTime() + 600_000).toISOString()],
    );
    assert.equal((await d.channel.refused(report)).code, 'NOT_FOUND', 'a repeated report changes nothing');
    assert.equal((await jobsOf(d.handsetId)).length, 1);
  });

  it('silence past answerBy is NG no-answer; after maxTries the center gives up and tells the owner', async () => {
    const d = await scheduledHandset('delta', { maxTries: 3, intervalSeconds: 300, answerTimeoutSeconds: 30 });
    h.clock.set(d.slot);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await h.scheduler.tick();
      const request = await until(() => d.channel.of('backup-start')[attempt - 1], `request ${attempt}`);
      assert.equal(request.attempt, attempt);
      h.clock.advance(29_000);
      await h.scheduler.tick();
      assert.equal((await jobsOf(d.handsetId))[0]?.status, 'requested', 'still waiting before answerBy');
      h.clock.advance(1_000);
      await h.scheduler.tick();
      h.clock.advance(300_000);
    }
    const [job] = await jobsOf(d.handsetId);
    assert.equal(job?.status, 'gave-up');
    assert.deepEqual(job?.reasons, ['no-answer', 'no-answer', 'no-answer']);
    await h.scheduler.tick();
    await settle(50);
    assert.equal(d.channel.of('backup-start').length, 3, 'no fourth try');

    await relogin();
    const notices = await call(h, 'GET', '/v1/notices', { bearer: owner.token });
    const failed = notices
      .json()
      .notices.find((n: { kind: string; handsetName: string }) => n.kind === 'backup-failed' && n.handsetName === 'delta');
    assert.ok(failed, JSON.stringify(notices.json()));
    assert.match(failed.message, /backup could not be made.*delta.*3 tries.*no-answer/);
    const own = await call(h, 'GET', '/v1/notices', { bearer: d.credential });
    assert.ok(own.json().notices.every((n: { handsetName: string }) => n.handsetName === 'delta'));
    assert.equal(own.json().notices.length, 1);
    await d.channel.close();
  });

  it('a clock jump over three daily slots makes one job, and the next run is after now', async () => {
    const e = await scheduledHandset('echo');
    await e.channel.close();
    h.clock.set(new Date(e.slot.getTime() + 3 * 24 * 60 * MINUTE + 5 * MINUTE));
    const report = await h.scheduler.tick();
    assert.ok((report['made'] ?? 0) >= 1);
    assert.equal((await jobsOf(e.handsetId)).length, 1);
    await relogin();
    const view = await call(h, 'GET', '/v1/handsets/echo/schedule', { bearer: owner.token });
    assert.equal(view.json().nextRunAt, new Date(e.slot.getTime() + 4 * 24 * 60 * MINUTE).toISOString());
  });

  it('a `once` schedule runs once and is cleared when its backup commits', async () => {
    await relogin();
    const { handsetId, credential } = await enroll(h, owner, 'hotel');
    const on = new Date(h.clock.now().getTime() + 5 * MINUTE).toISOString();
    expectStatus(await call(h, 'PUT', '/v1/handsets/me/schedule', { bearer: credential, json: { schedule: { every: 'once', on } } }), 200);
    const channel = await ChannelClient.connect(url, credential);
    h.clock.set(on);
    await h.scheduler.tick();
    const request = await channel.next('backup-start');
    channel.send({ type: 'backup-start-answer', requestId: request.requestId, answer: 'OK' });
    await until(async () => (await jobsOf(handsetId))[0]?.status === 'running', 'running');
    await runBackup(h, credential, sealBackup(owner.keys, handsetId, { 'h.jpg': [randomChunk(100)] }), {
      trigger: 'schedule',
      jobId: request.jobId,
    });
    assert.equal((await jobsOf(handsetId))[0]?.status, 'done');
    const view = await call(h, 'GET', '/v1/handsets/me/schedule', { bearer: credential });
    assert.deepEqual([view.json().schedule, view.json().nextRunAt], [null, null]);
    await channel.close();
  });

  it('a newer connection of a handset replaces the older one', async () => {
    const f = await scheduledHandset('foxtrot');
    const newer = await ChannelClient.connect(url, f.credential);
    assert.equal(await f.channel.closed, 4000);
    h.clock.set(f.slot);
    await h.scheduler.tick();
    await newer.next('backup-start');
    assert.equal((await jobsOf(f.handsetId))[0]?.status, 'requested', 'the replaced socket closing was no disconnect');
    await newer.close();
  });

  it('over quota: QUOTA_EXCEEDED, an over-quota notice, and a job that asked is NG over-quota', async () => {
    const g = await scheduledHandset('golf');
    h.clock.set(g.slot);
    await h.scheduler.tick();
    const request = await g.channel.next('backup-start');
    g.channel.send({ type: 'backup-start-answer', requestId: request.requestId, answer: 'OK' });
    const running = await until(async () => (await jobsOf(g.handsetId)).find((j) => j.status === 'running'), 'running');
    await h.store.owners.setQuotaBytes(owner.ownerId, 0);
    try {
      const refused = await call(h, 'POST', '/v1/backups', {
        bearer: g.credential,
        json: { kinds: ['media'], trigger: 'schedule', jobId: running.id },
      });
      expectProblem(refused, 'QUOTA_EXCEEDED', 422);
      expectProblem(await call(h, 'POST', '/v1/backups', { bearer: g.credential, json: { kinds: ['media'] } }), 'QUOTA_EXCEEDED', 422);
    } finally {
      await h.store.owners.setQuotaBytes(owner.ownerId, null);
    }
    assert.deepEqual((await h.store.jobs.find(running.id))?.reasons, ['over-quota']);
    const notices = (await call(h, 'GET', '/v1/notices', { bearer: g.credential })).json().notices;
    assert.equal(notices.filter((n: { kind: string }) => n.kind === 'over-quota').length, 2);
    await g.channel.close();
  });
});
