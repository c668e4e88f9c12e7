/**
 * The README runs as written. Every ```sh block that follows a
 * `<!-- readme-test -->` line is run, in order, as one bash script
 * (`set -euo pipefail`) in a fresh directory, with real processes: the
 * `phonesafe` on PATH is the launcher linked the way the README says, and
 * the system's node (Node 20 here) comes before any other on PATH, so the
 * launcher has to find Node 24 itself. A center is started first, as
 * `npm start` would (data in ./.phonesafe/center); its address replaces the
 * README's http://127.0.0.1:8780, the one substitution (the block marked
 * `<!-- readme-test: center -->` is that `npm start`; entry-point.test.ts
 * starts and stops `npm start` itself). The block marked
 * `<!-- readme-test: setup -->` (clone, npm ci, the link) is what this test
 * stands on: the link is made here the same way; the clone and `npm ci`
 * are `.ci/run`'s.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { finished, linkLauncher, nodeVersionOn, REPO_ROOT, startCenter, systemPath, tempDir } from '@phonesafe/testkit';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const README_CENTER = 'http://127.0.0.1:8780';

type BlockKind = 'run' | 'setup' | 'center';

/** The sh blocks after a marker: `<!-- readme-test -->` (run), `<!-- readme-test: setup -->`, `<!-- readme-test: center -->`. */
function markedBlocks(markdown: string): { kind: BlockKind; code: string }[] {
  const blocks: { kind: BlockKind; code: string }[] = [];
  const pattern = /<!-- readme-test(?:: (setup|center))? -->\s*\n```sh\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) blocks.push({ kind: (match[1] ?? 'run') as BlockKind, code: match[2]! });
  return blocks;
}

test('the README marks its set-up and its commands', () => {
  const blocks = markedBlocks(README);
  assert.ok(blocks.some((b) => b.kind === 'setup'));
  assert.deepEqual(
    blocks.filter((b) => b.kind === 'center').map((b) => b.code.split('#')[0]!.trim()),
    ['npm start'],
  );
  assert.ok(blocks.filter((b) => b.kind === 'run').length >= 3);
  // Every sh block is either run or set-up: none is left out silently.
  const all = README.match(/```sh\n/g)?.length ?? 0;
  assert.equal(blocks.length, all, 'every ```sh block of the README has a readme-test marker');
});

test('every command of the README runs as written', { timeout: 300_000 }, async (t) => {
  const root = await tempDir(t, 'readme');
  const home = join(root, 'home');
  // The README's HOME: its ~/.local/bin holds the link; Node 24 is the one this machine already fetched.
  await mkdir(home);
  await symlink(join(homedir(), '.node24'), join(home, '.node24')).catch(() => {});
  const bin = await linkLauncher(join(home, '.local', 'bin'));
  const work = join(root, 'work');
  await mkdir(work);
  const center = await startCenter(t, join(work, '.phonesafe', 'center'));

  const script = markedBlocks(README)
    .filter((b) => b.kind === 'run')
    .map((b) => b.code.replaceAll(README_CENTER, center.url))
    .join('\n');
  await writeFile(join(root, 'readme.sh'), `set -euo pipefail\nset -x\n${script}\n`);
  const PATH = [systemPath(), bin].join(delimiter);
  t.diagnostic(`node first on PATH: ${nodeVersionOn(PATH) ?? 'none'}`);
  const child = spawn('bash', [join(root, 'readme.sh')], { cwd: work, env: { PATH, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  const result = await finished(child);
  // Kept with PHONESAFE_KEEP_TMP=1, to read what each command said.
  await writeFile(join(root, 'readme.out'), `${result.stdout}\n--- stderr ---\n${result.stderr}`);
  assert.equal(
    result.code,
    0,
    `the README's commands failed (${result.code}):\n${result.stderr.slice(-6000)}\n${result.stdout.slice(-3000)}`,
  );
  assert.doesNotMatch(result.stderr, /\n\s+at .*\.ts:\d+/, 'no stack trace');
  assert.match(result.stdout, /identical/);
});

/**
 * The set-up block itself, on a fresh clone of this checkout's HEAD (npm ci
 * from this machine's npm cache: some 16 s). The link goes into a temporary
 * HOME.
 */
test('the README set-up, on a fresh clone', { timeout: 600_000 }, async (t) => {
  const root = await tempDir(t, 'readme-setup');
  const home = join(root, 'home');
  await mkdir(home);
  await symlink(join(homedir(), '.node24'), join(home, '.node24')).catch(() => {});
  const setup = markedBlocks(README).find((b) => b.kind === 'setup')!.code;
  await writeFile(join(root, 'setup.sh'), `set -euo pipefail\nset -x\n${setup}\n`);
  const PATH = [join(home, '.local', 'bin'), systemPath()].join(delimiter);
  // This machine's npm set-up (its registry configuration and CA certificates) goes with it; only HOME is new.
  const passed = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'].filter((name) => process.env[name] !== undefined);
  const env = {
    ...Object.fromEntries(passed.map((name) => [name, process.env[name]!])),
    PATH,
    HOME: home,
    PHONESAFE_REPO: REPO_ROOT,
    npm_config_cache: join(homedir(), '.npm'),
    npm_config_userconfig: join(homedir(), '.npmrc'),
  };
  const result = await finished(spawn('bash', [join(root, 'setup.sh')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  assert.equal(result.code, 0, result.stderr.slice(-4000));
  assert.equal(result.stdout.trim().split('\n').at(-1), '0.1.0');
  assert.doesNotMatch(result.stderr, /EBADENGINE/);
});
