/**
 * Scenario f: --json output is one parseable document; every failure is one
 * `phonesafe: CODE: detail` line on stderr with a meaningful exit status.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cli, cliFails, cliJson, ownerEnv, tempDir } from '@phonesafe/testkit';

test('usage errors: unknown kind, missing options, unknown verb', async (t) => {
  const env = ownerEnv(await tempDir(t), 'pw');
  await cliFails(['handset', 'backup', '--data', 'x', '--kinds', 'contacts,selfies'], env, 2, 'USAGE');
  await cliFails(['pc', 'download', '--backup', 'b', '--out', 'o', '--kinds', 'nope'], env, 2, 'USAGE');
  await cliFails(['handset', 'backup'], env, 2, 'USAGE');
  await cliFails(['center', 'frobnicate', 'x'], env, 2, 'USAGE');
  await cliFails(['pc', 'backups'], env, 2, 'USAGE'); // no center anywhere
  const asJson = await cliFails(['pc', 'backups', '--json'], env, 2, 'USAGE');
  assert.equal((JSON.parse(asJson.stdout) as { error: { code: string } }).error.code, 'USAGE');
});

test('an unreachable center is a network error (6)', async (t) => {
  const env = ownerEnv(await tempDir(t), 'pw');
  await cliFails(['pc', 'backups', '--center', 'http://127.0.0.1:9', '--owner', 'o@example.org'], env, 6, 'NETWORK');
});

test('a wrong password is refused (3); --json documents parse', { timeout: 120_000 }, async (t) => {
  const { root, center, env } = await centerWithOwner(t, 'who@example.org', 'the right one');
  const phone = join(root, 'phone');
  const enrolled = await cliJson(
    ['handset', 'enroll', '--center', center.url, '--owner', 'who@example.org', '--name', 'phone', '--data', phone],
    env,
  );
  assert.equal(typeof enrolled, 'object');
  const status = await cliJson(['handset', 'status', '--data', phone], env);
  assert.equal(typeof status, 'object');
  assert.deepEqual(await cliJson(['pc', 'backups'], env), { backups: [] });
  const history = await cliJson<{ local: unknown[]; center: unknown[] }>(['handset', 'history', '--data', phone], env);
  assert.ok(Array.isArray(history.local) && Array.isArray(history.center));

  await cliFails(['pc', 'backups'], { ...env, PHONESAFE_PASSWORD: 'a wrong one' }, 3, 'UNAUTHENTICATED');
  await cliFails(
    ['handset', 'enroll', '--center', center.url, '--owner', 'who@example.org', '--name', 'other', '--data', join(root, 'other')],
    { ...env, PHONESAFE_PASSWORD: 'a wrong one' },
    3,
    'UNAUTHENTICATED',
  );

  const config = await cli(['center', '--print-config', '--data', join(root, 'center')], env);
  assert.equal(config.code, 0, config.stderr);
  assert.equal(typeof JSON.parse(config.stdout), 'object');
});
