/**
 * S6: when a terminal uploads, the subscriber's other terminals hear it on
 * the live channel (`sync-pending`, through the push bus), and `handset run`
 * reports it as an event; the uploader itself is not told.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { runHandset } from './helpers/live.ts';
import { SYNC_NUMBER, ran, SyncWorld } from '@phonesafe/testkit';

test('another terminal’s upload reaches a connected handset as sync-pending', { timeout: 300_000 }, async (t) => {
  const world = await SyncWorld.create(t, ['A', 'B']);
  await world.bindAll();
  const runs = ['A', 'B'].map((name) => runHandset(t, world.dir(name), world.env));
  for (const run of runs) await run.next((e) => e.event === 'connected', 'connected');
  await world.insert('A');
  await world.save('A', { 'contacts/new.vcf': 'new' });
  const seq = ran(await world.remove('A'), 'A out');
  assert.deepEqual(seq.uploaded, ['contacts/new.vcf']);
  const pending = await runs[1]!.next((e) => e.event === 'sync-pending', 'sync-pending on B');
  assert.equal(pending.event === 'sync-pending' && pending.number, SYNC_NUMBER);
  assert.equal(pending.event === 'sync-pending' && pending.seq, 1);
  assert.ok(!runs[0]!.events.some((e) => e.event === 'sync-pending'), 'the uploader is not told');
});
