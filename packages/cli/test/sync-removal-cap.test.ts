/**
 * S6 (a1)'s time cap on the removal upload (`sync.removalMaxSeconds`), by the
 * handset's clock: a cap already passed sends nothing, the changes stay
 * pending and are reported, and the next insertion takes them up; a cap the
 * handset's clock (frozen here) never reaches lets the whole upload through.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cliJson, sharedClock, SyncWorld, type SyncJson } from '@phonesafe/testkit';

interface Removal {
  sync: { ok: true; result: SyncJson & { capped: boolean } } | { ok: false; code: string };
  pendingUp: number;
}

test('the removal upload stops at sync.removalMaxSeconds; what did not go up stays pending', { timeout: 180_000 }, async (t) => {
  const world = await SyncWorld.create(t, ['A']);
  await world.bindAll();
  await world.insert('A');
  const clock = await sharedClock(t);
  const env = { ...world.env, PHONESAFE_CLOCK: clock.spec };
  const set = (pair: string) => cliJson(['handset', 'settings', '--data', world.dir('A'), '--set', pair], env);
  const remove = () => cliJson<Removal>(['handset', 'sim', 'remove', '--to', world.sim, '--data', world.dir('A')], env);
  const done = (r: Removal) => {
    assert.ok(r.sync.ok, `the removal sync ran: ${JSON.stringify(r.sync)}`);
    return r.sync.result;
  };

  await world.save('A', { 'contacts/a.vcf': 'a', 'contacts/b.vcf': 'b' });
  await set('sync.removalMaxSeconds=0');
  const capped = await remove();
  assert.deepEqual([done(capped).uploaded, done(capped).capped, capped.pendingUp], [[], true, 2]);
  assert.equal((await world.area()).size, 0, 'nothing went up past the cap');

  const back = await world.insert('A');
  assert.ok(back?.ok);
  assert.deepEqual(back.result.uploaded.sort(), ['contacts/a.vcf', 'contacts/b.vcf']);

  await world.save('A', { 'contacts/c.vcf': 'c' });
  await set('sync.removalMaxSeconds=60');
  const within = await remove();
  assert.deepEqual([done(within).uploaded, done(within).capped, within.pendingUp], [['contacts/c.vcf'], false, 0]);
  assert.equal((await world.area()).size, 3);
});
