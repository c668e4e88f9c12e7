/**
 * Errors in the user's words, through the CLI: the flag rather than the
 * request field, sizes in human units with the next step, the hint for a
 * bad CA, a database that does not exist, a TLS key of another certificate,
 * a setting typed as a flag; the exit statuses in --help and the README; a
 * closed pipe ends quietly.
 */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  centerWithOwner,
  cli,
  cliFails,
  cliJson,
  finished,
  ownerEnv,
  PG_ADMIN_URL,
  REPO_ROOT,
  spawnCli,
  startCenter,
  tempDir,
  writeTree,
} from '@phonesafe/testkit';

const OWNER = 'words@example.org';
const TLS_CERT = join(import.meta.dirname, 'fixtures', 'tls', 'test-tls-cert.pem');
const TLS_KEY = join(import.meta.dirname, 'fixtures', 'tls', 'test-tls-key.pem');
const WIRE = /\b(body|params|querystring)\.\w/;

test('a refused request names the flag or argument, not the request field', { timeout: 120_000 }, async (t) => {
  const { root, center, env } = await centerWithOwner(t, OWNER);
  const enrol = (name: string, owner = OWNER) => [
    'handset',
    'enroll',
    '--center',
    center.url,
    '--owner',
    owner,
    '--name',
    name,
    '--data',
    join(root, `p-${name.length}`),
  ];
  const badName = await cliFails(enrol(''), env, 5, 'VALIDATION_FAILED');
  assert.match(badName.stderr, /VALIDATION_FAILED: --name: at least 1 character/);
  assert.doesNotMatch(badName.stderr, WIRE);
  assert.match((await cliFails(enrol('x', 'not-an-address'), env, 5, 'VALIDATION_FAILED')).stderr, /--owner: not an e-mail address/);
  await cliJson(enrol('phone'), env);

  const badId = await cliFails(['pc', 'download', '--backup', 'bad id!', '--out', join(root, 'o')], env, 5, 'VALIDATION_FAILED');
  assert.match(badId.stderr, /VALIDATION_FAILED: --backup: an id is/);
  assert.doesNotMatch(badId.stderr, WIRE);
  const badRestore = await cliFails(['pc', 'restore', '--backup', 'x', '--to', 'phone'], env, 5, 'VALIDATION_FAILED');
  assert.match(badRestore.stderr, /: --backup: /);
  const badArgument = await cliFails(['pc', 'handset', 'revoke', ''], env, 5, 'VALIDATION_FAILED');
  assert.match(badArgument.stderr, /VALIDATION_FAILED: NAME: /);
  // --json keeps the same words.
  const json = await cliFails(['pc', 'download', '--backup', 'bad id!', '--out', join(root, 'o'), '--json'], env, 5, 'VALIDATION_FAILED');
  assert.match((JSON.parse(json.stdout) as { error: { detail: string } }).error.detail, /^--backup: /);
});

test('over quota: sizes in human units and what to do next', { timeout: 120_000 }, async (t) => {
  const { root, center, env } = await centerWithOwner(t, OWNER);
  const phone = join(root, 'phone');
  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'phone', '--data', phone], env);
  await cliJson(['pc', 'quota', '--limit', '1K'], env);
  const files = join(root, 'files');
  await writeTree(files, { 'photos/big.jpg': Buffer.alloc(64 * 1024, 7) });
  await cliJson(['handset', 'import', '--data', phone, files], env);
  const failed = await cliFails(['handset', 'backup', '--data', phone], env, 5, 'QUOTA_EXCEEDED');
  assert.match(failed.stderr, /the quota is 1\.00 KiB/);
  assert.match(failed.stderr, /delete backups you no longer need with `pc forget`/);
  assert.doesNotMatch(failed.stderr, /\d{4,} bytes/);
});

test(
  'HTTPS: an untrusted certificate hints --ca; a key of another certificate is refused in those words',
  { timeout: 60_000 },
  async (t) => {
    const root = await tempDir(t, 'tls');
    const env = ownerEnv(root);
    const center = await startCenter(t, join(root, 'center'), 0, { PHONESAFE_TLS_CERT: TLS_CERT, PHONESAFE_TLS_KEY: TLS_KEY });
    const untrusted = await cliFails(['pc', 'backups', '--center', center.url, '--owner', OWNER], env, 6, 'NETWORK');
    assert.match(untrusted.stderr, /give the CA's PEM file with --ca FILE/);
    assert.doesNotMatch(untrusted.stderr, /use-system-ca/);
    // With the CA the same command gets through to the login (the owner is unknown: refused, not a network error).
    await cliFails(['pc', 'backups', '--center', center.url, '--owner', OWNER, '--ca', TLS_CERT], env, 3, 'UNAUTHENTICATED');

    const otherKey = join(root, 'other-key.pem');
    await writeFile(otherKey, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const args = ['center', '--port', '0', '--data', join(root, 'c2'), '--tls-cert', TLS_CERT, '--tls-key', otherKey];
    const mismatch = await cliFails(args, env, 2, 'USAGE');
    assert.match(mismatch.stderr, /--tls-key \S+ is not the private key of --tls-cert/);
    const half = await cliFails(['center', '--port', '0', '--data', join(root, 'c3'), '--tls-cert', TLS_CERT], env, 2, 'USAGE');
    assert.match(half.stderr, /both --tls-cert and --tls-key/);
  },
);

test('a PostgreSQL database that does not exist is named, with how to make it', async (t) => {
  const root = await tempDir(t, 'no-db');
  const url = new URL(PG_ADMIN_URL);
  url.pathname = '/phonesafe_no_such_database';
  const failed = await cliFails(['center', 'verify', '--data', root, '--db', url.toString()], ownerEnv(root), 2, 'USAGE');
  assert.match(failed.stderr, /the PostgreSQL database phonesafe_no_such_database does not exist: create it first \(`createdb /);
});

test('flags and environment variables: each named as the user gave it', async (t) => {
  const root = await tempDir(t, 'flags');
  const env = ownerEnv(root);
  const password = await cliFails(['pc', 'backups', '--password', 'x'], env, 2, 'USAGE');
  assert.match(password.stderr, /passwords are never flags.*PHONESAFE_PASSWORD/);
  const quota = await cliFails(['center', '--quota-bytes', '5G'], env, 2, 'USAGE');
  assert.match(
    quota.stderr,
    /--quota-bytes is not a flag of this command: that setting comes from the environment \(PHONESAFE_QUOTA_BYTES=/,
  );
  assert.doesNotMatch((await cliFails(['pc', 'backups', '--frobnicate'], env, 2, 'USAGE')).stderr, /PHONESAFE_FROBNICATE/);
  const fromEnv = await cliFails(['center', '--print-config'], { ...env, PHONESAFE_PORT: 'eighty' }, 2, 'USAGE');
  assert.match(fromEnv.stderr, /PHONESAFE_PORT \(from the environment\)/);
  const fromFlag = await cliFails(['center', '--print-config', '--log-level', 'loud'], env, 2, 'USAGE');
  assert.match(fromFlag.stderr, /configuration: --log-level: /);
});

test('the exit statuses are listed in --help and in the README, the same', async (t) => {
  const help = await cli(['--help'], ownerEnv(await tempDir(t)));
  assert.equal(help.code, 0);
  const listed =
    help.stdout
      .split('Exit status:\n')[1]
      ?.split('\n')
      .filter((line) => /^ {2}\d+ {2}/.test(line)) ?? [];
  assert.deepEqual(
    listed.map((line) => line.trim().split(/\s+/)[0]),
    ['0', '1', '2', '3', '4', '5', '6', '7'],
  );
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  for (const line of listed) assert.ok(readme.includes(line.trim()), `README lists: ${line.trim()}`);
});

test('a closed pipe ends quietly with status 0, no stack trace', async (t) => {
  const root = await tempDir(t, 'pipe');
  // The reading end is closed before the CLI writes: its first write meets EPIPE.
  const child = spawnCli(['center', '--print-config', '--data', root], ownerEnv(root));
  child.stdout!.destroy();
  const result = await finished(child);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
});
