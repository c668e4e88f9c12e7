/**
 * The run loop against a real WebSocket peer speaking the channel protocol
 * (channel-peer.ts): OK/NG answers, the backup an OK starts, validation of
 * every frame, reconnecting after a drop or a refused upgrade, clean stop.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '@phonesafe/protocol';
import type { HandsetAgent } from '../src/index.ts';
import { Backoff } from '../src/channel/backoff.ts';
import { channelUrl } from '../src/channel/socket.ts';
import { ChannelPeer } from './channel-peer.ts';
import { EventLog } from './events.ts';
import { tempDir } from '@phonesafe/testkit';
import { enrolledOffline } from './helpers.ts';

const CREDENTIAL = 'h1.handset-offline-1.secret';
/** No jitter (random 0.5) and short delays, so a test sees the reconnect quickly and exactly. */
const FAST = { initialMs: 20, maxMs: 80, random: () => 0.5 };

async function running(
  t: TestContext,
  label: string,
): Promise<{ agent: HandsetAgent; peer: ChannelPeer; events: EventLog; clock: ManualClock; stop: () => Promise<void> }> {
  const root = await tempDir(t, label);
  const peer = await ChannelPeer.start(CREDENTIAL);
  const clock = new ManualClock();
  const agent = await enrolledOffline(join(root, 'h'), { clock }, peer.url);
  const events = new EventLog();
  const controller = new AbortController();
  const loop = agent.run({ signal: controller.signal, onEvent: events.sink, reconnect: FAST });
  const stop = async () => {
    controller.abort();
    await loop;
  };
  t.after(async () => {
    await stop();
    await agent.close();
    await peer.close();
  });
  return { agent, peer, events, clock, stop };
}

test('backup start: NG operating while the owner is busy, OK when free, then the backup of the targets with the job id', async (t) => {
  const { agent, peer, events } = await running(t, 'channel-answers');
  const socket = await peer.connection(1);
  assert.deepEqual(peer.upgrades, [`Bearer ${CREDENTIAL}`], 'the credential travels in the upgrade request');
  assert.deepEqual(await events.next('connected'), { type: 'connected', url: channelUrl(peer.url) });
  await events.next('schedule-registered');
  assert.deepEqual(peer.schedules, [{ every: 'week', weekday: 0, at: '03:00' }], 'the default schedule is registered on connecting');

  agent.setBusy(5 * 60_000);
  const busy = peer.sendBackupStart(socket, { jobId: 'job-busy-0001' });
  assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-start-answer', requestId: busy, answer: 'NG', reason: 'operating' });
  assert.deepEqual(await events.next('request'), { type: 'request', requestId: busy, jobId: 'job-busy-0001', attempt: 1 });
  assert.deepEqual(await events.next('answered'), {
    type: 'answered',
    requestId: busy,
    jobId: 'job-busy-0001',
    answer: 'NG',
    reason: 'operating',
  });
  assert.equal(peer.backupStarts.length, 0, 'NG starts nothing');

  agent.setBusy(0);
  const free = peer.sendBackupStart(socket, { jobId: 'job-free-0001', attempt: 2 });
  assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-start-answer', requestId: free, answer: 'OK' });
  assert.equal((await events.next('request')).attempt, 2);
  // The backup follows the answer: targets per settings (contacts by default), trigger schedule, the job's id.
  const failed = await events.next('backup-failed');
  assert.deepEqual(peer.backupStarts, [{ kinds: ['contacts'], complete: ['contacts'], trigger: 'schedule', jobId: 'job-free-0001' }]);
  assert.deepEqual(
    failed,
    { type: 'backup-failed', jobId: 'job-free-0001', code: 'QUOTA_EXCEEDED', detail: 'owner is over quota (10 GiB)' },
    'over quota is a result, not a crash',
  );

  const named = peer.sendBackupStart(socket, { jobId: 'job-kinds-001', kinds: ['media', 'contacts'] });
  assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-start-answer', requestId: named, answer: 'OK' });
  await events.next('backup-failed');
  assert.deepEqual(
    peer.backupStarts[1],
    { kinds: ['contacts', 'media'], complete: ['contacts', 'media'], trigger: 'schedule', jobId: 'job-kinds-001' },
    'kinds the center names win over the targets',
  );
});

test('a backup that fails after its OK is reported to the center by its error code only; over quota is not (the center refused it itself)', async (t) => {
  const { peer, events } = await running(t, 'channel-failure-report');
  const socket = await peer.connection(1);
  await events.next('connected');
  peer.startProblem = { status: 503, code: 'UNAVAILABLE', detail: 'the center at /srv/phonesafe is restarting' };
  const requestId = peer.sendBackupStart(socket, { jobId: 'job-fails-0001' });
  assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-start-answer', requestId, answer: 'OK' });
  assert.equal((await events.next('backup-failed')).code, 'UNAVAILABLE');
  assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-failed', requestId, code: 'UNAVAILABLE' });

  peer.startProblem = { status: 422, code: 'QUOTA_EXCEEDED', detail: 'over quota' };
  const quota = peer.sendBackupStart(socket, { jobId: 'job-quota-0001' });
  assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-start-answer', requestId: quota, answer: 'OK' });
  assert.equal((await events.next('backup-failed')).code, 'QUOTA_EXCEEDED');
  const marker = peer.sendBackupStart(socket, { jobId: 'job-after-0001' });
  assert.deepEqual(
    await peer.nextFrame(socket),
    { type: 'backup-start-answer', requestId: marker, answer: 'OK' },
    'no report came between',
  );
});

test('every frame is validated: a malformed request is reported and not answered; a refusal is reported', async (t) => {
  const { peer, events } = await running(t, 'channel-validation');
  const socket = await peer.connection(1);
  socket.send(JSON.stringify({ type: 'backup-start', requestId: 'req-00000001', attempt: 1 }));
  socket.send('not json at all');
  socket.send(JSON.stringify({ type: 'refused', requestId: 'req-00000001', code: 'UNKNOWN_REQUEST', detail: 'no such request' }));
  const first = await events.next('invalid-message');
  assert.match(first.detail, /backup-start message does not match the protocol: jobId/);
  assert.equal((await events.next('invalid-message')).detail, 'not JSON');
  assert.deepEqual(await events.next('refused'), {
    type: 'refused',
    requestId: 'req-00000001',
    code: 'UNKNOWN_REQUEST',
    detail: 'no such request',
  });
  assert.deepEqual(peer.framesOn(socket), [], 'nothing answered');
});

test('reconnects with backoff after the center drops the connection or refuses the upgrade, and stops cleanly', async (t) => {
  const { peer, events, stop } = await running(t, 'channel-reconnect');
  const first = await peer.connection(1);
  await events.next('connected');
  first.terminate();
  const dropped = await events.next('disconnected');
  assert.equal(dropped.retryInMs, 20, 'the first retry waits the initial delay');

  const second = await peer.connection(2);
  await events.next('connected');
  const requestId = peer.sendBackupStart(second);
  assert.deepEqual(await peer.nextFrame(second), { type: 'backup-start-answer', requestId, answer: 'OK' }, 'the new connection answers');

  peer.acceptCredential('h1.someone-else.secret');
  second.terminate();
  assert.equal((await events.next('disconnected')).retryInMs, 20, 'a connection that opened resets the backoff');
  const refused = await events.next('disconnected');
  assert.match(refused.reason, /could not connect: the center refused the channel: HTTP 401/);
  assert.equal(refused.retryInMs, 40, 'failed attempts double the delay');
  assert.equal((await events.next('disconnected')).retryInMs, 80);
  assert.equal((await events.next('disconnected')).retryInMs, 80, 'up to the maximum');

  peer.acceptCredential(CREDENTIAL);
  await peer.connection(3);
  await events.next('connected');
  await stop();
  assert.equal(events.all.at(-1)?.type, 'stopped');
});

test('backoff: 1 s doubling to 60 s with ±20 % jitter', () => {
  const low = new Backoff({ random: () => 0 });
  assert.deepEqual(
    Array.from({ length: 8 }, () => low.next()),
    [800, 1600, 3200, 6400, 12800, 25600, 48000, 48000],
  );
  const high = new Backoff({ random: () => 0.999999 });
  assert.deepEqual(
    Array.from({ length: 8 }, () => high.next()),
    [1200, 2400, 4800, 9600, 19200, 38400, 72000, 72000],
  );
  high.reset();
  assert.equal(high.next(), 1200);
});
