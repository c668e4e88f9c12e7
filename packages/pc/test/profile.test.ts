import { strict as assert } from 'node:assert';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@phonesafe/testkit';
import { PhoneSafeError } from '@phonesafe/protocol';
import { loadProfile, pcConfigDir, resolveTarget, saveProfile } from '../src/index.ts';

test('the config dir follows PHONESAFE_PC_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
  assert.equal(pcConfigDir({ PHONESAFE_PC_DIR: '/p', XDG_CONFIG_HOME: '/x', HOME: '/h' }), '/p');
  assert.equal(pcConfigDir({ XDG_CONFIG_HOME: '/x', HOME: '/h' }), '/x/phonesafe');
  assert.equal(pcConfigDir({ HOME: '/h' }), '/h/.config/phonesafe');
});

test('a missing profile is empty; a saved one round-trips, private to the user', async (t) => {
  const dir = join(await tempDir(t), 'nested');
  assert.deepEqual(await loadProfile(dir), {});
  await saveProfile(dir, { center: 'http://127.0.0.1:1', owner: 'o@example.org' });
  assert.deepEqual(await loadProfile(dir), { center: 'http://127.0.0.1:1', owner: 'o@example.org' });
  assert.equal((await stat(join(dir, 'pc.json'))).mode & 0o077, 0);
});

test('only known fields are kept: a password put in the file by hand is neither read nor saved back', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'pc.json'), JSON.stringify({ center: 'http://c', owner: 'o@x', password: 'hunter2', token: 't' }));
  const profile = await loadProfile(dir);
  assert.deepEqual(profile, { center: 'http://c', owner: 'o@x' });
  await saveProfile(dir, { ...profile, password: 'hunter2' } as never);
  assert.doesNotMatch(await readFile(join(dir, 'pc.json'), 'utf8'), /hunter2|token/);
});

test('a corrupt profile is a clear local error', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'pc.json'), '{not json');
  await assert.rejects(loadProfile(dir), (e: unknown) => e instanceof PhoneSafeError && e.code === 'LOCAL_IO');
});

test('flags win over the environment, which wins over the profile', () => {
  const profile = { center: 'http://saved', owner: 'saved@x', ca: '/saved-ca.pem' };
  assert.deepEqual(resolveTarget({}, {}, profile), profile);
  assert.deepEqual(resolveTarget({}, { PHONESAFE_CENTER: 'http://env', PHONESAFE_OWNER: 'env@x' }, profile), {
    center: 'http://env',
    owner: 'env@x',
  });
  assert.deepEqual(resolveTarget({ center: 'http://flag' }, { PHONESAFE_CENTER: 'http://env' }, profile), {
    center: 'http://flag',
    owner: 'saved@x',
  });
});

test('without any center or owner the error says how to give one', () => {
  assert.throws(
    () => resolveTarget({}, {}, {}),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE' && /--center/.test(e.detail),
  );
  assert.throws(
    () => resolveTarget({ center: 'http://c' }, {}, {}),
    (e: unknown) => e instanceof PhoneSafeError && /--owner/.test(e.detail),
  );
});
