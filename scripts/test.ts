/**
 * `npm test`: type check, lint, format check, role-boundary check, then
 * every test file with node's test runner. Stops at the first failing stage so CI output ends on
 * the real cause.
 */
import { spawnSync } from 'node:child_process';
import { glob } from 'node:fs/promises';

function run(title: string, command: string, args: string[]): void {
  process.stderr.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`\n== ${title} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

const filter = process.argv.slice(2);
const files: string[] = [];
for await (const file of glob('packages/*/test/**/*.test.ts')) files.push(file);
files.sort();
const selected = filter.length ? files.filter((f) => filter.some((word) => f.includes(word))) : files;

if (filter.length === 0) {
  run('type check', 'npx', ['tsc', '-p', 'tsconfig.json']);
  run('lint', 'npx', ['eslint', 'packages', 'scripts', 'bench']);
  run('format', 'npx', ['prettier', '--check', '--log-level', 'warn', 'packages', 'scripts', 'bench', 'eslint.config.js']);
  run('role boundaries', 'npx', ['depcruise', '--config', '.dependency-cruiser.cjs', 'packages']);
}
run('PostgreSQL for the tests', 'bash', ['scripts/ensure-postgres.sh']);
run(`tests (${selected.length} files)`, process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...selected]);
