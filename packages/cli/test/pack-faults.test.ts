/**
 * Issue 10, faults of the center's packs (storage-format.md, "Packs"), on
 * SQLite and on PostgreSQL, with real processes. The center is SIGKILLed
 * while a handset sends thousands of small parts, one pack per batch: after
 * the restart no backup is partial, the earlier one is intact, no row names
 * a pack that is not whole (verify reads every pack clean), and the next
 * backup resumes. Then one byte flipped inside a pack: `center verify` names
 * the part and the backups that need it, and a restore that needs it fails
 * with PART_DAMAGED and writes no wrong file.
 */
import { strict as assert } from 'node:assert';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it, type TestContext } from 'node:test';
import {
  cliFails,
  cliJson,
  finished,
  flipByte,
  handsetTree,
  ownerEnv,
  packFile,
  pgDatabase,
  pgQuery,
  randomFiles,
  spawnCli,
  startCenter,
  tempDir,
  treeDigest,
  until,
  writeTree,
} from '@phonesafe/testkit';
import type { BackupJson, BackupListJson } from './helpers/types.ts';

const OWNER = 'packs@example.org';

type Query = <R extends object>(sql: string, params?: unknown[]) => Promise<R[]>;

function sqliteQuery(file: string): Query {
  return async <R extends object>(sql: string, params: unknown[] = []) => {
    const db = new DatabaseSync(file, { readOnly: true, timeout: 5000 });
    try {
      return db.prepare(sql.replaceAll(/\$\d+/g, '?')).all(...(params as string[])) as R[];
    } finally {
      db.close();
    }
  };
}

async function countParts(query: Query): Promise<number> {
  return Number((await query<{ n: number | string }>('SELECT count(*) AS n FROM parts'))[0]!.n);
}

async function story(t: TestContext, db: { url?: string; query: (data: string) => Query }): Promise<void> {
  const root = await tempDir(t);
  const data = join(root, 'center');
  const dbEnv: Record<string, string> = db.url ? { PHONESAFE_DB: db.url } : {};
  const dbFlag = db.url ? ['--db', db.url] : [];
  const query = db.query(data);
  let center = await startCenter(t, data, 0, dbEnv);
  const env = ownerEnv(root, 'packs password', { PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: OWNER });
  const [src, a, d] = [join(root, 'src'), join(root, 'handset-a'), join(root, 'handset-d')];
  await writeTree(src, handsetTree());
  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);
  await cliJson(['handset', 'import', '--data', a, src], env);
  const first = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);

  // Thousands of small items: several batches, each one pack.
  await writeTree(src, randomFiles('messages', 2500, 1500));
  await cliJson(['handset', 'import', '--data', a, src], env);
  const stored = await countParts(query);
  const interrupted = finished(spawnCli(['handset', 'backup', '--data', a, '--json'], env));
  await until(async () => (await countParts(query)) >= stored + 3, 'a first pack of the transfer is recorded', 300_000);
  await center.kill();
  const failed = await interrupted;
  assert.notEqual(failed.code, 0, `the interrupted backup must fail: ${failed.stdout}`);

  center = await startCenter(t, data, center.port, dbEnv);
  const listed = await cliJson<BackupListJson>(['pc', 'backups'], env);
  assert.deepEqual(
    listed.backups.map((b) => b.backupId),
    [first.backupId],
    'no partial backup, the earlier one intact',
  );
  const packs = await query<{ owner_id: string; pack_id: string }>(
    'SELECT DISTINCT owner_id, pack_id FROM parts WHERE pack_id IS NOT NULL',
  );
  assert.ok(packs.length > 0, 'the small parts are in packs');
  for (const p of packs) await access(packFile(join(data, 'blobs'), p.owner_id, p.pack_id));
  const resumed = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);
  const newParts = (await countParts(query)) - stored;
  t.diagnostic(`resumed backup sent ${resumed.sentParts} of ${newParts} new parts`);
  assert.ok(resumed.sentParts < newParts, `the resumed backup sent ${resumed.sentParts} parts; the new data has ${newParts}`);
  assert.deepEqual((await cliJson<{ damaged: unknown[] }>(['center', 'verify', '--data', data, ...dbFlag], env)).damaged, []);

  // One flipped byte inside a pack, in a part (not a manifest) of the newest backup.
  const [victim] = await query<{ id: string; owner_id: string; pack_id: string; pack_offset: number | string }>(
    'SELECT p.id, p.owner_id, p.pack_id, p.pack_offset FROM parts p JOIN backup_parts bp ON bp.part_id = p.id JOIN backups b ON b.id = bp.backup_id ' +
      'WHERE b.id = $1 AND p.pack_id IS NOT NULL AND p.id <> b.manifest_id ORDER BY p.id LIMIT 1',
    [resumed.backupId],
  );
  assert.ok(victim, 'a packed part of the newest backup');
  await flipByte(packFile(join(data, 'blobs'), victim.owner_id, victim.pack_id), Number(victim.pack_offset) + 8);
  const verify = await cliFails(['center', 'verify', '--data', data, ...dbFlag], env, 7, 'PART_DAMAGED');
  assert.match(verify.stdout, new RegExp(`part ${victim.id}\\s+hash-mismatch\\s+needed by .*${resumed.backupId}`));

  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'D', '--data', d], env);
  await cliFails(['handset', 'restore', '--data', d, '--from-handset', 'A', '--overwrite', 'yes'], env, 7, 'PART_DAMAGED');
  const exported = join(root, 'export-d');
  await cliJson(['handset', 'export', '--data', d, exported], env);
  const source = await treeDigest(src);
  for (const [path, sha] of Object.entries(await treeDigest(exported)))
    assert.equal(sha, source[path], `${path} was written with wrong content`);
}

describe('packs under faults', { timeout: 900_000 }, () => {
  it('SQLite: a center killed while writing packs, then a flipped byte in a pack', (t) =>
    story(t, { query: (data) => sqliteQuery(join(data, 'center.db')) }));

  it('PostgreSQL: a center killed while writing packs, then a flipped byte in a pack', async (t) => {
    const database = await pgDatabase(t);
    await story(t, { url: database.url, query: () => (sql, params) => pgQuery(database.url, sql, params) });
  });
});
