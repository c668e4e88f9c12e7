/**
 * Scenario c (X2): one flipped byte in a stored part. `center verify` names
 * it and exits 7; a restore or download that needs it fails clearly and
 * leaves no wrong file behind.
 */
import { strict as assert } from 'node:assert';
import { basename, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import {
  centerWithOwner,
  cli,
  cliFails,
  cliJson,
  flipByte,
  handsetTree,
  largestBlob,
  listFiles,
  ownerEnv,
  startCenter,
  tempDir,
  treeDigest,
  writeTree,
} from '@phonesafe/testkit';
import type { BackupJson } from './helpers/types.ts';

const OWNER = 'damage@example.org';

test('a damaged part is reported by verify and stops restores without writing a bad file', { timeout: 300_000 }, async (t) => {
  const { root, data, center, env } = await centerWithOwner(t, OWNER, 'damage password');
  const [src, a, d] = [join(root, 'src'), join(root, 'handset-a'), join(root, 'handset-d')];
  await writeTree(src, handsetTree());
  const source = await treeDigest(src);
  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);
  await cliJson(['handset', 'import', '--data', a, src], env);
  const backup = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);

  const clean = await cliJson<{ checked: number; damaged: unknown[] }>(['center', 'verify', '--data', data], env);
  assert.deepEqual(clean.damaged, []);

  // The largest blob holds a piece of the 12 MiB photo: every full restore needs it.
  const victim = await largestBlob(join(data, 'blobs'));
  await flipByte(victim);
  const partId = basename(victim).split('.')[0]!;

  const verify = await cliFails(['center', 'verify', '--data', data], env, 7, 'PART_DAMAGED');
  assert.match(verify.stdout, new RegExp(partId));
  assert.match(verify.stderr, new RegExp(partId));
  const report = JSON.parse((await cli(['center', 'verify', '--data', data, '--json'], env)).stdout) as { damaged: Array<{ id: string }> };
  assert.deepEqual(
    report.damaged.map((x) => x.id),
    [partId],
  );

  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'D', '--data', d], env);
  const restore = await cliFails(
    ['handset', 'restore', '--data', d, '--from-handset', 'A', '--overwrite', 'yes'],
    env,
    7,
    '(PART_DAMAGED|DECRYPT_FAILED)',
  );
  t.diagnostic(`handset restore: ${restore.stderr.trim()}`);
  const exported = join(root, 'export-d');
  await cliJson(['handset', 'export', '--data', d, exported], env);
  assertOnlyGoodFiles(await treeDigest(exported), source);
  assert.equal((await treeDigest(exported))['photos/2025/big.jpg'], undefined, 'the damaged file is not restored');

  const download = join(root, 'download');
  const failed = await cliFails(
    ['pc', 'download', '--backup', backup.backupId, '--out', download],
    env,
    7,
    '(PART_DAMAGED|DECRYPT_FAILED)',
  );
  t.diagnostic(`pc download: ${failed.stderr.trim()}`);
  assert.match(failed.stderr, /photos\/2025\/big\.jpg/, 'the error names the file');
  assertOnlyGoodFiles(await treeDigest(download), source);
  assert.deepEqual(
    (await listFiles(download)).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file left',
  );
});

/** Whatever was written must equal the source: a restore may stop early, never write wrong bytes. */
function assertOnlyGoodFiles(written: Record<string, string>, source: Record<string, string>): void {
  for (const [path, sha] of Object.entries(written)) assert.equal(sha, source[path], `${path} was written with wrong content`);
}

test("a damaged database is reported by center verify through the database's own check (exit 7, DATABASE_DAMAGED)", async (t) => {
  const root = await tempDir(t);
  const data = join(root, 'center');
  const env = ownerEnv(root, 'unused');
  // A center's first start makes its database; verify only reads one that is there.
  await (await startCenter(t, data)).stop();
  const clean = await cliJson<{ database: { status: string } }>(['center', 'verify', '--data', data], env);
  assert.equal(clean.database.status, 'ok');
  // An index that no longer matches its table, as a damaged disk page would leave it.
  const raw = new DatabaseSync(join(data, 'center.db'), { defensive: false });
  raw.exec(
    "INSERT INTO owners (id, email, auth_hash, kdf, wrapped_data_key, created_at) VALUES ('owner-0001', 'x@example.org', 'h', '{}', 'k', '2026-01-01T00:00:00.000Z')",
  );
  raw.exec(
    "INSERT INTO owner_tokens (id, owner_id, secret_hash, expires_at) VALUES ('token-0001', 'owner-0001', 's', '2026-01-01T01:00:00.000Z')",
  );
  raw.exec(
    "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = 'CREATE INDEX owner_tokens_expires ON owner_tokens(secret_hash)' WHERE name = 'owner_tokens_expires'; PRAGMA writable_schema = OFF;",
  );
  raw.close();
  const failed = await cliFails(['center', 'verify', '--data', data], env, 7, 'DATABASE_DAMAGED');
  assert.match(failed.stdout, /database: damaged/);
});
