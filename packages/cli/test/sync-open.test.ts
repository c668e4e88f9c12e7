/**
 * S6 per kind when that data is opened (`sync.onOpen`): `handset open KIND`
 * syncs both ways before the owner sees the data when the setting names the
 * kind, and sends nothing otherwise. Handset A asks the terminal password at
 * every sync, so its insertion without the password leaves B's change at the
 * center; opening the address book then brings it down and A's change up.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cliJson, ran, SyncWorld, type Triggered } from '@phonesafe/testkit';

test('handset open KIND syncs first when sync.onOpen names the kind', { timeout: 180_000 }, async (t) => {
  const world = await SyncWorld.create(t, ['A', 'B']);
  await world.bindAll(['A'], ['--password-each-sync']);
  await world.bindAll(['B']);
  await world.insert('B');
  await world.save('B', { 'contacts/b.vcf': 'b' });
  await world.remove('B');

  const { PHONESAFE_TERMINAL_PASSWORD: _password, ...noPassword } = world.env;
  const inserted = await world.insert('A', noPassword);
  assert.equal(inserted?.ok, false, 'the insertion sync waits for the terminal password');
  await world.save('A', { 'contacts/a.vcf': 'a' });
  const open = (kind: string) =>
    cliJson<{ sync: Triggered; items: number }>(['handset', 'open', '--data', world.dir('A'), kind], world.env);
  const set = (pair: string) => cliJson(['handset', 'settings', '--data', world.dir('A'), '--set', pair], world.env);

  const plain = await open('contacts');
  assert.deepEqual([plain.sync, plain.items], [null, 1], 'not named: only what A holds, nothing sent');
  assert.deepEqual([...(await world.area()).keys()], ['contacts/b.vcf']);

  await set('sync.onOpen=contacts,calendar');
  const synced = await open('contacts');
  const result = ran(synced.sync, 'opening contacts');
  assert.deepEqual([result.downloaded, result.uploaded, synced.items], [['contacts/b.vcf'], ['contacts/a.vcf'], 2]);
  assert.equal((await open('mail')).sync, null, 'mail is not named');
});
