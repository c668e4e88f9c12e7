/**
 * The `phonesafe` command on a machine whose node is older than the project
 * needs: the launcher (bin/phonesafe) linked onto PATH picks a Node that runs
 * the CLI, keeps the caller's working directory, prints nothing of its own on
 * stdout, and `npm start` stops its center on a signal to npm's PID.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { finished, linkLauncher, nodeVersionOn, REPO_ROOT, systemPath, tempDir, until } from '@phonesafe/testkit';

test('the launcher on PATH runs the CLI with system node first, from the caller’s directory', async (t) => {
  const root = await tempDir(t, 'launcher');
  const bin = await linkLauncher(join(root, 'bin'));
  const PATH = [bin, systemPath()].join(delimiter);
  const systemNode = nodeVersionOn(systemPath());
  t.diagnostic(`system node: ${systemNode ?? 'none'}`);
  const env = { PATH, HOME: process.env['HOME'] ?? '' };
  const run = (args: string[]) => finished(spawn('phonesafe', args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] }));

  const version = await run(['--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout, '0.1.0\n');

  // A relative --data is the caller's, and stdout is the one JSON document.
  const config = await run(['center', '--print-config', '--data', 'here']);
  assert.equal(config.code, 0, config.stderr);
  assert.equal((JSON.parse(config.stdout) as { data: string }).data, join(root, 'here'));

  // A failure is one JSON document too, and nothing else came on stdout.
  const failed = await run(['handset', 'status', '--data', 'missing', '--json']);
  assert.equal(failed.code, 4, failed.stderr);
  assert.equal((JSON.parse(failed.stdout) as { error: { code: string } }).error.code, 'DATA_DIR_MISSING');
});

test('the package bin is the launcher, also for the cli workspace', () => {
  const rootBin = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
  assert.equal(rootBin['phonesafe'], 'bin/phonesafe');
  assert.ok(existsSync(join(REPO_ROOT, 'node_modules', '.bin', 'phonesafe')));
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`npm start: ${signal} to npm's PID stops the center`, { timeout: 60_000 }, async (t) => {
    const data = await tempDir(t, 'npm-start');
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PATH: systemPath(), PHONESAFE_DATA: data, PHONESAFE_PORT: '0', PHONESAFE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = finished(npm);
    t.after(() => npm.kill('SIGKILL'));
    let out = '';
    npm.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const port = await until(() => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1], 'the center’s URL', 30_000);
    const children = readFileSync(`/proc/${npm.pid}/task/${npm.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    assert.ok(children.length > 0, 'npm runs the center as its child');

    npm.kill(signal);
    const result = await done;
    assert.ok(result.code < 128 || result.code === 128 + (signal === 'SIGTERM' ? 15 : 2), `npm ended: ${result.code}`);
    await until(() => children.every((pid) => !existsSync(`/proc/${pid}`)), 'the center process to exit', 15_000);
    await until(() => portClosed(Number(port)), 'the port to close', 15_000);
  });
}

function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
}
