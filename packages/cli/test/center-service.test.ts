/**
 * The center as a service: JSON log lines when the log is not a terminal,
 * pretty lines on one; the systemd unit in deploy/ is valid and its command
 * and environment start a center that answers /v1/health.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { test } from 'node:test';
import { finished, LAUNCHER, MAIN, ownerEnv, REPO_ROOT, spawnCli, tempDir, until } from '@phonesafe/testkit';

const UNIT = join(REPO_ROOT, 'deploy', 'phonesafe-center.service');

test('the log is JSON lines when it is not a terminal', async (t) => {
  const root = await tempDir(t, 'log-json');
  const child = spawnCli(['center', '--port', '0', '--data', join(root, 'c'), '--log-level', 'info'], ownerEnv(root));
  const done = finished(child);
  t.after(() => child.kill('SIGKILL'));
  await new Promise((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  child.kill('SIGTERM');
  const result = await done;
  const lines = result.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; service: string });
  assert.ok(
    lines.some((l) => l.msg === 'center started' && l.service === 'phonesafe-center'),
    result.stderr,
  );
});

test('the log is pretty on a terminal', { skip: !existsSync('/usr/bin/script') && 'no script(1) for a terminal' }, async (t) => {
  const root = await tempDir(t, 'log-tty');
  // script(1) gives the center a terminal for stdout and stderr.
  const command = `exec "${process.execPath}" "${MAIN}" center --port 0 --data "${join(root, 'c')}"`;
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...ownerEnv(root), PATH: process.env['PATH'] ?? '' },
    detached: true,
  });
  const done = finished(child);
  const stopAll = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  t.after(stopAll);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await until(() => /center started/.test(out), 'the center started line', 30_000);
  stopAll();
  await done;
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  assert.match(plain, /\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] INFO: center started/);
  assert.doesNotMatch(plain, /"msg":/);
});

test('the systemd unit is valid, and its command with its environment serves /v1/health', async (t) => {
  const unit = readFileSync(UNIT, 'utf8');
  const execStart = /^ExecStart=(\S+) (.*)$/m.exec(unit);
  assert.ok(execStart, 'ExecStart');
  assert.match(execStart[1]!, /\/bin\/phonesafe$/);
  const root = await tempDir(t, 'unit');
  if (existsSync('/usr/bin/systemd-analyze')) {
    const local = join(root, 'phonesafe-center.service');
    await writeFile(local, unit.replace(execStart[1]!, LAUNCHER));
    const said = execFileSync('systemd-analyze', ['verify', local], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(said.trim(), '');
  }
  const environment = Object.fromEntries(
    [...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.replace('/var/lib/phonesafe', root)]),
  );
  const child = spawn(LAUNCHER, execStart[2]!.split(' '), {
    env: { PATH: process.env['PATH'] ?? '', ...environment, HOME: process.env['HOME'] ?? '', PHONESAFE_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = finished(child);
  t.after(() => child.kill('SIGKILL'));
  const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const url = /listening on (\S+)/.exec(first)?.[1];
  assert.ok(url, first);
  const health = await fetch(`${url}/v1/health`);
  assert.equal(health.status, 200);
  assert.equal(((await health.json()) as { status: string }).status, 'ok');
  child.kill('SIGTERM');
  const result = await done;
  assert.equal(result.code, 0, result.stderr);
  assert.ok(existsSync(join(root, 'center', 'center.db')), 'data in PHONESAFE_DATA');
  JSON.parse(result.stderr.trim().split('\n')[0]!); // PHONESAFE_LOG_FORMAT=json
});
