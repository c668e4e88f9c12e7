/**
 * S6's automatic sync triggers with real processes, run by `handset run` on
 * an accelerated clock (600 virtual seconds per real second): every update,
 * past an amount (count, then bytes), the owner's permission first (nothing
 * sent until `handset sync`), the reminder of changes not reflected, and
 * the periodic sync, whose runs are a period apart by the handset's clock.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cliJson, runHandset, scaledClock, SyncWorld } from '@phonesafe/testkit';

type Ev =
  | { at: string; event: 'sync-done'; reason: string; uploaded: number; downloaded: number }
  | { at: string; event: 'sync-ask'; reason: string; pendingUp: number }
  | { at: string; event: 'sync-reminder'; pendingUp: number }
  | { at: string; event: string };

test(
  'automatic sync triggers: every update, past a count or bytes, permission first, reminders, periodic',
  { timeout: 300_000 },
  async (t) => {
    const world = await SyncWorld.create(t, ['A']);
    await world.bindAll();
    await world.insert('A');
    const set = (...pairs: string[]) =>
      cliJson(['handset', 'settings', '--data', world.dir('A'), ...pairs.flatMap((p) => ['--set', p])], world.env);
    await set('sync.onUpdate=true');
    const run = runHandset<Ev>(t, world.dir('A'), { ...world.env, PHONESAFE_CLOCK: scaledClock(600).spec }, ['--sync-tick', '100']);
    const done = (reason: string, nth = 1) => {
      let seen = 0;
      return run.next((e) => e.event === 'sync-done' && 'reason' in e && e.reason === reason && ++seen === nth, `${reason} sync #${nth}`);
    };

    // Every update: the change goes up by itself.
    await world.save('A', { 'contacts/u.vcf': 'u' });
    assert.equal(((await done('update')) as { uploaded: number }).uploaded, 1);
    assert.ok((await world.area()).has('contacts/u.vcf'));

    // Past an amount: one change waits, the second takes both up; then by bytes.
    await set('sync.onUpdate=false', 'sync.thresholdCount=2');
    await world.save('A', { 'contacts/t1.vcf': '1' });
    await world.save('A', { 'contacts/t2.vcf': '2' });
    assert.equal(((await done('threshold')) as { uploaded: number }).uploaded, 2);
    await set('sync.thresholdCount=none', 'sync.thresholdBytes=1K');
    await world.save('A', { 'contacts/small.vcf': 'small' });
    await world.save('A', { 'contacts/big.vcf': 'b'.repeat(2000) });
    assert.equal(((await done('threshold', 2)) as { uploaded: number }).uploaded, 2);

    // Permission first: announced, nothing sent, until the owner syncs.
    await set('sync.thresholdBytes=none', 'sync.thresholdCount=1', 'sync.ask=true');
    await world.save('A', { 'contacts/ask.vcf': 'ask' });
    const ask = await run.next((e) => e.event === 'sync-ask', 'sync-ask');
    assert.deepEqual([('reason' in ask && ask.reason) || '', ('pendingUp' in ask && ask.pendingUp) || 0], ['threshold', 1]);
    assert.equal((await world.area()).has('contacts/ask.vcf'), false, 'nothing was sent without permission');
    assert.deepEqual((await world.sync('A')).uploaded, ['contacts/ask.vcf']);

    // A reminder of what is not reflected, while no trigger takes it up; then the periodic sync takes it.
    await set('sync.ask=false', 'sync.thresholdCount=none', 'sync.remindMinutes=5');
    await world.save('A', { 'contacts/later.vcf': 'later' });
    const reminder = await run.next((e) => e.event === 'sync-reminder', 'sync-reminder');
    assert.equal('pendingUp' in reminder && reminder.pendingUp, 1);
    await set('sync.remindMinutes=none', 'sync.everyMinutes=30');
    const first = await done('periodic');
    assert.equal((first as { uploaded: number }).uploaded, 1);
    await world.save('A', { 'contacts/next.vcf': 'next' });
    await run.next((e) => e !== first && e.event === 'sync-done' && 'uploaded' in e && e.uploaded === 1, 'the next periodic sync');
    const periodic = run.events.filter((e) => e.event === 'sync-done' && 'reason' in e && e.reason === 'periodic');
    for (let i = 1; i < periodic.length; i++)
      assert.ok(new Date(periodic[i]!.at).getTime() - new Date(periodic[i - 1]!.at).getTime() >= 30 * 60_000, 'a period apart');
    assert.equal((await world.area()).size, 8);
    await run.stop();
  },
);
