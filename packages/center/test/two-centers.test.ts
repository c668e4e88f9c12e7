/**
 * The key acceptance point of issue 3: two centers (each its own pool, push
 * bus connection and scheduler) on one PostgreSQL database. A handset on
 * center 1 and one on center 2 have schedules due in the same slot; whichever
 * center claims a job, its start request reaches the right handset exactly
 * once, answers land on the job row from either center, NG then OK is one
 * retry, and silence ends in give-up with a notice. Both centers share one
 * ManualClock; ticks are called, concurrently where both tick.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pgDatabase, settle, until } from '@phonesafe/testkit';
import { ManualClock } from '@phonesafe/protocol';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logging/logger.ts';
import { startCenter, type RunningCenter } from '../src/server.ts';
import { openStore } from '../src/center-store.ts';
import type { Store } from '../src/center-store.ts';
import { ChannelClient } from './channel-client.ts';
import { call, enroll, expectStatus, newOwner, randomChunk, runBackup, sealBackup, type Harness, type TestOwner } from './http-harness.ts';
import { remote } from './remote-harness.ts';

const MINUTE = 60_000;
const SLOT = '2026-03-02T11:00:00.000Z';

describe('two centers on one PostgreSQL database', () => {
  let database: { url: string; drop(): Promise<void> };
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const dirs: string[] = [];
  let one: RunningCenter;
  let two: RunningCenter;
  let store: Store;
  let api1: Harness;
  let api2: Harness;
  let owner: TestOwner;

  async function center(): Promise<RunningCenter> {
    const data = await mkdtemp(join(tmpdir(), 'phonesafe-two-'));
    dirs.push(data);
    const config = loadConfig({ data, db: database.url, port: 0, tickMs: 0, centerSecret: 's'.repeat(40), logLevel: 'silent' }, {});
    return startCenter(config, { clock, logger: createLogger(config) });
  }

  before(async () => {
    database = await pgDatabase();
    one = await center();
    two = await center();
    store = await openStore(database.url);
    api1 = remote(one.url);
    api2 = remote(two.url);
    owner = await newOwner(api1);
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await store?.close();
    await database?.drop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const tickBoth = () => Promise.all([one.scheduler.tick(), two.scheduler.tick()]);

  it('delivers each start request once to the right handset, retries NG, gives up on silence', async () => {
    const a = await enroll(api1, owner, 'on-center-1');
    const b = await enroll(api2, owner, 'on-center-2');
    const retry = { maxTries: 3, intervalSeconds: 600, answerTimeoutSeconds: 60 };
    for (const name of ['on-center-1', 'on-center-2']) {
      expectStatus(
        await call(api2, 'PUT', `/v1/handsets/${name}/schedule`, {
          bearer: owner.token,
          json: { schedule: { every: 'day', at: '11:00' }, retry },
        }),
        200,
      );
    }
    const channelA = await ChannelClient.connect(one.url, a.credential);
    const channelB = await ChannelClient.connect(two.url, b.credential);

    // The slot: both centers tick at once, several times; one job each, one request each.
    clock.set(SLOT);
    await tickBoth();
    await tickBoth();
    const firstA = await channelA.next('backup-start');
    const firstB = await channelB.next('backup-start');
    await settle(300);
    assert.equal(channelA.of('backup-start').length, 1, 'A got its request once');
    assert.equal(channelB.of('backup-start').length, 1, 'B got its request once');
    assert.equal((await store.jobs.find(firstA.jobId))?.handsetId, a.handsetId);
    assert.equal((await store.jobs.find(firstB.jobId))?.handsetId, b.handsetId);
    assert.equal((await store.jobs.listByHandset(a.handsetId)).length, 1);

    // A says NG (to center 1); B stays silent past answerBy, expired by center 2.
    channelA.send({ type: 'backup-start-answer', requestId: firstA.requestId, answer: 'NG', reason: 'operating' });
    await until(async () => (await store.jobs.find(firstA.jobId))?.status === 'pending', 'A pending after NG');
    clock.advance(MINUTE);
    await two.scheduler.tick();
    assert.deepEqual((await store.jobs.find(firstB.jobId))?.reasons, ['no-answer']);

    // Only center 2 ticks: it claims both retries; A's request crosses to center 1 through NOTIFY.
    clock.advance(10 * MINUTE);
    const claimed = await two.scheduler.tick();
    assert.equal(claimed.requested, 2);
    const secondA = await until(() => channelA.of('backup-start')[1], 'A attempt 2');
    const secondB = await until(() => channelB.of('backup-start')[1], 'B attempt 2');
    assert.equal(secondA.attempt, 2);
    assert.equal(secondB.attempt, 2);
    assert.equal(secondA.jobId, firstA.jobId, 'a retry of the same job');

    // A says OK to center 1 and sends the backup through center 2: one retry, then done.
    channelA.send({ type: 'backup-start-answer', requestId: secondA.requestId, answer: 'OK' });
    await until(async () => (await store.jobs.find(firstA.jobId))?.status === 'running', 'A running');
    const sealed = sealBackup(owner.keys, a.handsetId, { 'photo.jpg': [randomChunk(2000)] });
    const backupId = await runBackup(api2, a.credential, sealed, { trigger: 'schedule', jobId: secondA.jobId });
    const jobA = await store.jobs.find(firstA.jobId);
    assert.deepEqual([jobA?.status, jobA?.attempt, jobA?.reasons, jobA?.backupId], ['done', 2, ['operating'], backupId]);

    // B never answers: the third try times out and the center gives up, telling the owner.
    clock.advance(MINUTE);
    await one.scheduler.tick();
    clock.advance(10 * MINUTE);
    await tickBoth();
    const thirdB = await until(() => channelB.of('backup-start')[2], 'B attempt 3');
    assert.equal(thirdB.attempt, 3);
    clock.advance(MINUTE);
    await tickBoth();
    const jobB = await store.jobs.find(firstB.jobId);
    assert.deepEqual([jobB?.status, jobB?.reasons], ['gave-up', ['no-answer', 'no-answer', 'no-answer']]);
    clock.advance(10 * MINUTE);
    await tickBoth();
    await settle(300);
    assert.equal(channelA.of('backup-start').length, 2);
    assert.equal(channelB.of('backup-start').length, 3);

    const login = await call(api1, 'POST', '/v1/owners/login', { json: { email: owner.email, authKey: owner.authKey } });
    const notices = (await call(api1, 'GET', '/v1/notices', { bearer: login.json<{ token: string }>().token })).json<{
      notices: Array<{ kind: string; handsetName: string; message: string }>;
    }>().notices;
    assert.deepEqual(
      notices.map((n) => [n.kind, n.handsetName]),
      [['backup-failed', 'on-center-2']],
    );
    assert.match(notices[0]!.message, /backup could not be made.*on-center-2.*3 tries/);
    await channelA.close();
    await channelB.close();
  });
});
