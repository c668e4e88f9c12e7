/**
 * S7 kinds per terminal (FIG 7(b), FIG 15): a terminal syncs only the kinds
 * registered for it, both ways; rights follow applications; the owner
 * changes a terminal's kinds from the pc; a crafted change of another kind
 * is refused. Then folders and the last N months ([0033]).
 */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliJson, asHandset, SYNC_NUMBER, ran, sorted, SyncWorld, craftedPut } from '@phonesafe/testkit';

test(
  'a terminal syncs only its kinds, folders and months; rights follow apps; the owner changes them from the pc',
  { timeout: 300_000 },
  async (t) => {
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
    await world.remove('B', ['--no-sync']);
    await foldersAndMonths(world, terminalId);
  },
);

/**
 * S7 beyond kinds: the owner limits B to sent mail of the last 6 months. The
 * center filters B's download by keyed folder references and change times
 * (it never sees a folder's name); B filters its own upload where the paths
 * are. The cursor goes back, so B receives what now passes and it lacks.
 */
async function foldersAndMonths(world: SyncWorld, terminalId: string): Promise<void> {
  const old = new Date(Date.now() - 2 * 365 * 24 * 3600 * 1000);
  await world.insert('A');
  await world.save(
    'A',
    { 'mail/sent/a-new.eml': 'sent now', 'mail/sent/a-old.eml': 'sent long ago', 'mail/inbox/a.eml': 'received' },
    { 'mail/sent/a-old.eml': old },
  );
  assert.equal(ran(await world.remove('A'), 'A out').uploaded.length, 3, 'A has no filters');
  const set = ['pc', 'subscriber', 'set', '--number', SYNC_NUMBER, '--terminal', terminalId, '--kinds', 'contacts,mail'];
  const view = await cliJson<{ terminals: Array<{ terminalId: string; filters: { folders: string[]; sinceMonths?: number } }> }>(
    [...set, '--folders', 'mail/sent', '--since-months', '6'],
    world.env,
  );
  const filters = view.terminals.find((x) => x.terminalId === terminalId)!.filters;
  assert.deepEqual({ folders: filters.folders.length, months: filters.sinceMonths }, { folders: 1, months: 6 });
  assert.doesNotMatch(JSON.stringify(view), /sent/, 'the center holds a reference, not the folder name');

  const down = ran(await world.insert('B'), 'B in');
  assert.deepEqual(down.downloaded, ['mail/sent/a-new.eml'], 'B receives only recent sent mail');
  await world.save(
    'B',
    {
      'mail/sent/b-new.eml': 'B sent now',
      'mail/sent/b-old.eml': 'B sent long ago',
      'mail/inbox/b.eml': 'B received',
      'contacts/b2.vcf': 'B2',
    },
    { 'mail/sent/b-old.eml': old },
  );
  const b = await world.sync('B');
  assert.deepEqual(b.uploaded, ['mail/sent/b-new.eml'], 'B sends only recent sent mail');
  assert.deepEqual(b.downloaded, []);
  assert.equal((await world.exportOf('B')).has('mail/inbox/a.eml'), false);
  await world.remove('B', ['--no-sync']);

  // Widened again (any folder, any time): B receives what it lacks and sends what it held back.
  await world.insert('B');
  await cliJson([...set, '--folders', 'all', '--since-months', 'any'], world.env);
  const wide = await world.sync('B');
  assert.deepEqual(sorted(wide.downloaded), ['mail/inbox/a.eml', 'mail/sent/a-old.eml']);
  assert.deepEqual(sorted(wide.uploaded), ['contacts/b2.vcf', 'mail/inbox/b.eml', 'mail/sent/b-old.eml']);
  const db = await readFile(join(world.w.data, 'center.db'));
  assert.equal(db.indexOf(Buffer.from('mail/sent')), -1, 'no folder name in the center database');
}
