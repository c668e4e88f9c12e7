/**
 * `npm test`: type check, lint, format check, the boundary checks (src, then
 * tests), then every test file with node's test runner. Stops at the first
 * failing stage so CI output ends on the real cause.
 *
 * `npm test -- WORD…` runs only the test files whose path contains one of the
 * words, and no other stage. `--unit` (`npm run test:unit`) keeps only the
 * unit tier, `*.unit.test.ts`: no database, network, process or files, so it
 * runs in seconds and without PostgreSQL. Nothing here starts PostgreSQL: a
 * test that needs it asks the testkit's `pgDatabase()`, which starts it once
 * per process (DEVELOPERS.md, Tests). The whole run also has a stage that
 * makes sure the mail system answers (scripts/ensure-mail.sh).
 */
import { spawnSync } from 'node:child_process';
import { glob } from 'node:fs/promises';
import { COMPILE_CACHE } from '@phonesafe/testkit';

const UNIT_SUFFIX = '.unit.test.ts';

function run(title: string, command: string, args: string[]): void {
  process.stderr.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`\n== ${title} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const words = args.filter((arg) => arg !== '--unit');
const files: string[] = [];
for await (const file of glob('packages/*/test/**/*.test.ts')) files.push(file);
files.sort();
const selected = files
  .filter((f) => !unitOnly || f.endsWith(UNIT_SUFFIX))
  .filter((f) => words.length === 0 || words.some((word) => f.includes(word)));
if (selected.length === 0) {
  process.stderr.write(`no test file matches ${args.join(' ')}\n`);
  process.exit(1);
}

if (args.length === 0) {
  run('type check', 'npx', ['tsc', '-p', 'tsconfig.json']);
  run('lint', 'npx', ['eslint', 'packages', 'scripts', 'bench']);
  run('format', 'npx', ['prettier', '--check', '--log-level', 'warn', 'packages', 'scripts', 'bench', 'eslint.config.js']);
  run('role boundaries', 'npx', ['depcruise', '--config', '.dependency-cruiser.cjs', 'packages']);
  run('test boundaries', 'npx', ['depcruise', '--config', '.dependency-cruiser-tests.cjs', 'packages']);
  // The size budget (files ≤ 300 lines, functions ≤ 60; scripts/sizes.ts).
  run('size budget', process.execPath, ['scripts/sizes.ts']);
  // The mail system the mail tests talk to (Postfix + Dovecot on 127.0.0.1), installed and started idempotently; the
  // testkit's mailbox() runs the same script, so `npm test -- WORD` needs no stage.
  run('mail system', 'bash', ['scripts/ensure-mail.sh']);
}
// Each test file's process compiles the same modules: Node's compile cache (the one the testkit gives every `phonesafe` it starts) does it once.
process.env['NODE_COMPILE_CACHE'] ??= COMPILE_CACHE;
run(`tests (${selected.length} files)`, process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...selected]);
