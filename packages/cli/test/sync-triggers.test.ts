/**
 * S6's automatic sync triggers with real processes, run by `handset run` on
 * an accelerated clock (600 virtual seconds per real second): every update,
 * past an amount (count, then bytes), the owner's permission first (nothing
 * sent until `handset sync`), the reminder of changes not reflected, and
 * the periodic sync, whose runs are a period apart by the handset's clock;
 * then idle-time sync under a byte cap, each session taking what fits and
 * the next idle time the rest, and the low-battery upload told before,
 * asked first (nothing sent until `handset sync`) and told after.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cliJson, runHandset, scaledClock, SyncWorld } from '@phonesafe/testkit';

type Ev =
  | { at: string; event: 'sync-done'; reason: string; uploaded: number; downloaded: number; capped: boolean }
  | { at: string; event: 'sync-low-battery'; when: string; battery: number; pendingUp: number }
  | { at: string; event: 'sync-ask'; reason: string; pendingUp: number }
  | { at: string; event: 'sync-reminder'; pendingUp: number }
  | { at: string; event: string };

test(
  'automatic sync triggers: every update, past a count or bytes, permission first, reminders, periodic, idle, low battery',
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
    const after1 = (e: Ev) => run.events.indexOf(e) > run.events.indexOf(first);
    await run.next((e) => after1(e) && e.event === 'sync-done' && 'uploaded' in e && e.uploaded === 1, 'the next periodic sync');
    const periodic = run.events.filter((e) => e.event === 'sync-done' && 'reason' in e && e.reason === 'periodic');
    for (let i = 1; i < periodic.length; i++)
      assert.ok(new Date(periodic[i]!.at).getTime() - new Date(periodic[i - 1]!.at).getTime() >= 30 * 60_000, 'a period apart');
    assert.equal((await world.area()).size, 8);

    // Idle time (S10): 1K a session, so one 600-byte change each; the rest goes at the next idle time, nothing twice.
    const state = (...flags: string[]) => cliJson(['handset', 'state', '--data', world.dir('A'), ...flags], world.env);
    await set('sync.everyMinutes=none');
    await world.save('A', { 'contacts/i1.vcf': '1'.repeat(600), 'contacts/i2.vcf': '2'.repeat(600), 'contacts/i3.vcf': '3'.repeat(600) });
    await set('sync.onIdle=true', 'sync.idleMaxBytes=1K');
    await state('--idle', 'true');
    await done('idle', 3);
    const idle = run.events.filter((e) => e.event === 'sync-done' && 'reason' in e && e.reason === 'idle').slice(0, 3) as Array<{
      uploaded: number;
      capped: boolean;
    }>;
    assert.deepEqual(
      idle.map((e) => [e.uploaded, e.capped]),
      [
        [1, true],
        [1, true],
        [1, false],
      ],
    );
    assert.equal((await world.area()).size, 11);
    await state('--idle', 'false');
    await set('sync.onIdle=false');

    // Low battery (S11): told before, the upload only; asked first (no answer is a no); told after.
    const told = (when: string) => run.next((e) => e.event === 'sync-low-battery' && 'when' in e && e.when === when, `told ${when}`);
    await set('sync.lowBattery=20', 'sync.lowBatteryNotice=before');
    await state('--battery', '15');
    await world.save('A', { 'contacts/low1.vcf': 'low1' });
    const before = await told('before');
    const low = await done('low-battery');
    assert.ok(run.events.indexOf(before) < run.events.indexOf(low), 'told before the upload');
    assert.deepEqual([(low as { uploaded: number }).uploaded, (low as { downloaded: number }).downloaded], [1, 0]);
    await set('sync.lowBatteryNotice=ask');
    await world.save('A', { 'contacts/low2.vcf': 'low2' });
    await run.next((e) => e.event === 'sync-ask' && 'reason' in e && e.reason === 'low-battery', 'low-battery sync-ask');
    assert.equal((await world.area()).has('contacts/low2.vcf'), false, 'nothing was sent without permission');
    assert.deepEqual((await world.sync('A')).uploaded, ['contacts/low2.vcf']);
    await set('sync.lowBatteryNotice=after');
    await world.save('A', { 'contacts/low3.vcf': 'low3' });
    const after = await told('after');
    assert.ok(run.events.indexOf(await done('low-battery', 2)) < run.events.indexOf(after), 'told after the upload');
    assert.equal((await world.area()).size, 14);
    await run.stop();
  },
);
