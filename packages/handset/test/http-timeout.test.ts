/**
 * Issue 8 item 18: a center that goes silent in the middle of a backup does
 * not hold `handset run`'s backup turn: the request times out, the backup
 * fails and is reported on the channel, and the next start request is served.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '@phonesafe/protocol';
import { ChannelPeer } from './channel-peer.ts';
import { EventLog } from './events.ts';
import { tempDir } from '@phonesafe/testkit';
import { enrolledOffline } from './helpers.ts';

const CREDENTIAL = 'h1.handset-offline-1.secret';

test(
  'a backup start the center never answers times out; the failure is reported and the next request is answered',
  { timeout: 30_000 },
  async (t) => {
    const root = await tempDir(t, 'http-timeout');
    const peer = await ChannelPeer.start(CREDENTIAL);
    peer.stallBackupStarts = true;
    const agent = await enrolledOffline(join(root, 'h'), { clock: new ManualClock(), timeouts: { idleMs: 200 } }, peer.url);
    const events = new EventLog();
    const controller = new AbortController();
    const loop = agent.run({ signal: controller.signal, onEvent: events.sink, reconnect: { initialMs: 20, maxMs: 80, random: () => 0.5 } });
    t.after(async () => {
      controller.abort();
      await loop;
      await agent.close();
      await peer.close();
    });

    const socket = await peer.connection(1);
    await events.next('connected');
    const first = peer.sendBackupStart(socket, { jobId: 'job-silent-001' });
    assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-start-answer', requestId: first, answer: 'OK' });
    const failed = await events.next('backup-failed');
    assert.equal(failed.code, 'NETWORK');
    assert.match(failed.detail, /no answer for 0\.2 s/);
    assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-failed', requestId: first, code: 'NETWORK' });
    assert.equal(peer.backupStarts.length, 1, 'a POST is not sent again');

    // The turn is free: the next request is answered and its backup runs (and fails the same way).
    const second = peer.sendBackupStart(socket, { jobId: 'job-silent-002', attempt: 2 });
    assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-start-answer', requestId: second, answer: 'OK' });
    assert.deepEqual(await peer.nextFrame(socket), { type: 'backup-failed', requestId: second, code: 'NETWORK' });
  },
);
