/**
 * No false all-clear: a command pointed at a directory that holds no center
 * or handset fails and creates nothing, unless it is the one that makes it
 * (a center's first start, an enrolment); a failed enrolment leaves nothing;
 * two `handset run` on one directory are refused by a lock.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cliFails, cliJson, finished, ownerEnv, runHandset, tempDir, until } from '@phonesafe/testkit';

const OWNER = 'clear@example.org';

test('center verify, prune and quota on a wrong --data fail and create nothing', async (t) => {
  const root = await tempDir(t, 'wrong-center');
  const env = ownerEnv(root);
  const wrong = join(root, 'no-such-center');
  for (const args of [['verify'], ['prune'], ['quota', '--owner', OWNER]]) {
    const failed = await cliFails(['center', ...args, '--data', wrong], env, 4, 'DATA_DIR_MISSING');
    assert.match(failed.stderr, /--data/);
    assert.equal(existsSync(wrong), false, `center ${args[0]} created ${wrong}`);
  }
  // An existing directory without the center's database: refused too, and left empty.
  const empty = join(root, 'empty');
  await mkdir(empty);
  await cliFails(['center', 'verify', '--data', empty], env, 4, 'DATA_DIR_MISSING');
  const json = await cliFails(['center', 'prune', '--data', empty, '--json'], env, 4, 'DATA_DIR_MISSING');
  assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'DATA_DIR_MISSING');
  assert.deepEqual(readdirSync(empty), []);
});

test('handset verbs on a directory without a handset fail and create nothing', async (t) => {
  const root = await tempDir(t, 'wrong-handset');
  const env = ownerEnv(root);
  const wrong = join(root, 'no-such-phone');
  const verbs = [['status'], ['backup'], ['history'], ['import', root], ['export', join(root, 'out')], ['settings'], ['run'], ['notices']];
  for (const verb of verbs) {
    await cliFails(['handset', verb[0]!, '--data', wrong, ...verb.slice(1)], env, 4, 'DATA_DIR_MISSING');
    assert.equal(existsSync(wrong), false, `handset ${verb[0]} created ${wrong}`);
  }
  assert.equal(existsSync(join(root, 'out')), false);
});

test('a failed enrolment leaves nothing behind', async (t) => {
  const root = await tempDir(t, 'failed-enrol');
  const env = ownerEnv(root);
  const phone = join(root, 'phone');
  const enrol = (data: string) => ['handset', 'enroll', '--center', 'http://127.0.0.1:9', '--owner', OWNER, '--name', 'p', '--data', data];
  await cliFails(enrol(phone), env, 6, 'NETWORK');
  assert.equal(existsSync(phone), false);
  // A directory the user made stays, empty.
  const made = join(root, 'made');
  await mkdir(made);
  await cliFails(enrol(made), env, 6, 'NETWORK');
  assert.deepEqual(readdirSync(made), []);
});

test('two handset run on one directory: the second is refused; a stale lock is taken over', { timeout: 120_000 }, async (t) => {
  const { root, center, env } = await centerWithOwner(t, OWNER);
  const phone = join(root, 'phone');
  // A wrong password fails the enrolment and leaves nothing; the right one enrols.
  const enrol = ['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'phone', '--data', phone];
  await cliJson(enrol, env);
  const other = join(root, 'other');
  await cliFails(
    [...enrol.slice(0, -3), 'other', '--data', other],
    { ...env, PHONESAFE_PASSWORD: 'not the password' },
    3,
    'UNAUTHENTICATED',
  );
  assert.equal(existsSync(other), false);

  const first = runHandset<{ event: string }>(t, phone, env);
  await first.next((e) => e.event === 'connected', 'the first run connected');
  const refused = await cliFails(['handset', 'run', '--data', phone], env, 5, 'DATA_DIR_IN_USE');
  assert.match(refused.stderr, /pid \d+/);
  // Other verbs still work beside the running channel.
  await cliJson(['handset', 'status', '--data', phone], env);
  assert.equal((await first.stop()).code, 0);
  assert.equal(existsSync(join(phone, 'run.lock')), false, 'the lock is released');

  // A lock left by a process that is gone (killed, machine restarted) does not block.
  const gone = spawn(process.execPath, ['-e', '']);
  await finished(gone);
  await writeFile(join(phone, 'run.lock'), `${gone.pid}\n`);
  const second = runHandset<{ event: string }>(t, phone, env);
  await second.next((e) => e.event === 'connected', 'the run after a stale lock connected');
  await until(() => existsSync(join(phone, 'run.lock')), 'the new lock');
  assert.equal((await second.stop()).code, 0);
});
