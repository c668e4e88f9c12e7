/**
 * S7 kinds per terminal (FIG 7(b), FIG 15): a terminal syncs only the kinds
 * registered for it, both ways; rights follow applications; the owner
 * changes a terminal's kinds from the pc; a crafted change of another kind
 * is refused.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cliJson, asHandset, SYNC_NUMBER, ran, sorted, SyncWorld, craftedPut } from '@phonesafe/testkit';

test('a terminal syncs only its kinds; rights follow apps; the owner changes them from the pc', { timeout: 300_000 }, async (t) => {
  const world = await SyncWorld.create(t, ['A', 'B']);
  await world.bindAll(['A']);
  await world.insert('B');
  const bound = await cliJson<{ kinds: string[] }>(['handset', 'bind', '--kinds', 'contacts,apps', '--data', world.dir('B')], world.env);
  assert.deepEqual(bound.kinds, ['contacts', 'apps', 'rights'], 'rights follow apps');
  await world.save('B', { 'contacts/b.vcf': 'B', 'settings/ring.conf': 'loud' });
  assert.deepEqual(ran(await world.remove('B'), 'B out').uploaded, ['contacts/b.vcf'], 'B does not send settings');

  await world.insert('A');
  await world.save('A', { 'contacts/a.vcf': 'A', 'settings/a.conf': 'quiet', 'apps/game/app.bin': 'app', 'rights/game.lic': 'licence' });
  const a = ran(await world.remove('A'), 'A out');
  assert.deepEqual(sorted(a.uploaded), ['apps/game/app.bin', 'contacts/a.vcf', 'rights/game.lic', 'settings/a.conf']);
  const b = ran(await world.insert('B'), 'B in');
  assert.deepEqual(sorted(b.downloaded), ['apps/game/app.bin', 'contacts/a.vcf', 'rights/game.lic'], 'no settings reach B');

  const terminalId = await world.terminalIdOf('B');
  const open = await world.openSessionAs('B', 'up');
  const crafted = await asHandset(world.dir('B'), 'POST', `/v1/sync/sessions/${open.json.sessionId as string}/changes`, {
    changes: [craftedPut('settings')],
  });
  assert.equal(crafted.status, 422);
  assert.equal(crafted.json.code, 'SYNC_KIND_NOT_TARGETED');

  // The owner adds settings to B's kinds (FIG 15 at the pc): B's next sync brings A's and sends its own.
  await cliJson(
    ['pc', 'subscriber', 'set', '--number', SYNC_NUMBER, '--terminal', terminalId, '--kinds', 'contacts,apps,settings'],
    world.env,
  );
  const again = await world.sync('B');
  assert.deepEqual(again.uploaded, ['settings/ring.conf']);
  assert.deepEqual(again.downloaded, ['settings/a.conf'], 'a kind added: every item of it that B does not have ([0067])');
});
