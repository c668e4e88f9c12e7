/**
 * Data users already have keeps working: a center data directory (SQLite), a
 * PostgreSQL database and handset data directories written by the code
 * before the capability reshaping (fixtures/previous-format, made once by
 * scripts/fixtures/make-previous-format.ts) open with today's code, take a
 * new backup, verify clean, and restore onto a new handset byte for byte.
 */
import { strict as assert } from 'node:assert';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cliJson, ownerEnv, pgDatabase, pgQuery, startCenter, tempDir, treeDigest, writeTree } from '@phonesafe/testkit';

const FIXTURE = fileURLToPath(new URL('./fixtures/previous-format/', import.meta.url));
const PASSWORD = 'fixture password of the previous format';

/** The fixture's handset names the center it enrolled at; the center now runs elsewhere (port 0). */
async function moveCenter(handset: string, url: string): Promise<void> {
  const file = join(handset, 'identity.json');
  const identity = JSON.parse(await readFile(file, 'utf8')) as { center: string };
  await writeFile(file, JSON.stringify({ ...identity, center: url }), { mode: 0o600 });
}

async function loadDump(url: string): Promise<void> {
  await pgQuery(url, await readFile(join(FIXTURE, 'center-pg.sql'), 'utf8'));
}

async function exercise(t: TestContext, variant: { center: string; handset: string; owner: string; db?: string }): Promise<void> {
  const root = await tempDir(t);
  const [data, a, b] = [join(root, 'center'), join(root, 'handset-a'), join(root, 'handset-b')];
  await cp(join(FIXTURE, variant.center), data, { recursive: true });
  await cp(join(FIXTURE, variant.handset), a, { recursive: true });
  const center = await startCenter(t, data, 0, variant.db ? { PHONESAFE_DB: variant.db } : {});
  await moveCenter(a, center.url);
  const env = ownerEnv(root, PASSWORD, { PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: variant.owner });

  const before = await cliJson<{ backups: unknown[] }>(['pc', 'backups'], env);
  assert.equal(before.backups.length, 2, 'the two backups of the previous code are listed');
  const status = await cliJson<{ enrolled: boolean; items: number }>(['handset', 'status', '--data', a], env);
  assert.equal(status.enrolled, true);
  assert.equal(status.items, 4);

  await writeTree(join(root, 'new'), { 'notes/today.txt': 'written after the upgrade\n' });
  await cliJson(['handset', 'import', '--data', a, join(root, 'new')], env);
  await cliJson(['handset', 'backup', '--data', a], env);
  const verify = await cliJson<{ damaged: unknown[] }>(
    ['center', 'verify', '--data', data, ...(variant.db ? ['--db', variant.db] : [])],
    env,
  );
  assert.deepEqual(verify.damaged, []);

  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', variant.owner, '--name', 'phone-b', '--data', b], env);
  await cliJson(['handset', 'restore', '--data', b, '--from-handset', 'phone-a', '--overwrite', 'yes'], env);
  await cliJson(['handset', 'export', '--data', a, join(root, 'out-a')], env);
  await cliJson(['handset', 'export', '--data', b, join(root, 'out-b')], env);
  const [exportA, exportB] = [await treeDigest(join(root, 'out-a')), await treeDigest(join(root, 'out-b'))];
  assert.deepEqual(exportB, exportA, 'the replacement holds exactly what the upgraded handset holds');
  assert.equal(Object.keys(exportA).length, 5);
}

test('a SQLite center directory and a handset directory of the previous code open and work', { timeout: 180_000 }, async (t) => {
  await exercise(t, { center: 'center', handset: 'handset', owner: 'sqlite@example.org' });
  const source = await treeDigest(join(FIXTURE, 'source'));
  assert.equal(Object.keys(source).length, 4, 'the fixture records what its handset imported');
});

test('a PostgreSQL database of the previous code opens and works', { timeout: 180_000 }, async (t) => {
  const database = await pgDatabase(t);
  await loadDump(database.url);
  await exercise(t, { center: 'center-pg', handset: 'handset-pg', owner: 'postgres@example.org', db: database.url });
});
