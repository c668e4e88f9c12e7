/**
 * Scenario b (B5: a broken transfer never becomes a backup): the center is
 * killed while a backup is being sent; after a restart on the same data
 * directory and port, no partial backup is listed, the earlier generation
 * is intact, and the next backup resumes instead of starting over.
 */
import { strict as assert } from 'node:assert';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  cliJson,
  finished,
  handsetTree,
  ownerEnv,
  randomFiles,
  spawnCli,
  startCenter,
  tempDir,
  treeDigest,
  writeTree,
} from '@phonesafe/testkit';
import type { BackupJson, BackupListJson, RestoreJson } from './helpers/types.ts';

const OWNER = 'resume@example.org';

test('a center killed mid-transfer keeps the earlier generation; the next backup resumes', { timeout: 600_000 }, async (t) => {
  const root = await tempDir(t);
  const data = join(root, 'center');
  let center = await startCenter(t, data);
  const env = ownerEnv(root, 'resume password', { PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: OWNER });
  const [src, a] = [join(root, 'src'), join(root, 'handset-a')];

  await writeTree(src, handsetTree());
  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);
  await cliJson(['handset', 'import', '--data', a, src], env);
  const first = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);

  await writeTree(src, randomFiles('videos', 30, 2 * 1024 * 1024)); // ~60 MB more
  await cliJson(['handset', 'import', '--data', a, src], env);
  const stored = countParts(data);

  const backup = spawnCli(['handset', 'backup', '--data', a, '--json'], env);
  const interrupted = finished(backup);
  // Kill once a few new parts are acknowledged (recorded by the center), long before the ~60 MB are through.
  await until(() => countParts(data) >= stored + 3);
  await center.kill();
  t.diagnostic(`center killed with ${countParts(data) - stored} new parts acknowledged`);
  const failed = await interrupted;
  assert.notEqual(failed.code, 0, `the interrupted backup must fail: ${failed.stdout}`);
  assert.match(failed.stderr, /^phonesafe: (NETWORK|UNAVAILABLE): /m);

  center = await startCenter(t, data, center.port);
  const listed = await cliJson<BackupListJson>(['pc', 'backups'], env);
  assert.deepEqual(
    listed.backups.map((b) => b.backupId),
    [first.backupId],
    'no partial backup, the earlier one intact',
  );

  const resumed = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);
  // Parts are stored once per owner: those recorded since the first backup are the ones acknowledged
  // before the kill plus the ones the resumed run sent. More of them than it sent = it resumed.
  const newParts = countParts(data) - stored;
  t.diagnostic(
    `resumed backup: sent ${resumed.sentParts} parts, reused ${resumed.reusedParts}; ${newParts} parts stored since the first backup`,
  );
  assert.ok(resumed.sentParts < newParts, `the resumed backup sent ${resumed.sentParts} parts; the new data has ${newParts}`);

  const verify = await cliJson<{ checked: number; damaged: unknown[] }>(['center', 'verify', '--data', data], env);
  assert.deepEqual(verify.damaged, []);
  assert.ok(verify.checked > 0);

  const c = join(root, 'handset-c');
  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'C', '--data', c], env);
  const restored = await cliJson<RestoreJson>(['handset', 'restore', '--data', c, '--from-handset', 'A', '--overwrite', 'yes'], env);
  assert.equal(restored.backupId, resumed.backupId);
  const out = join(root, 'export-c');
  await cliJson(['handset', 'export', '--data', c, out], env);
  assert.deepEqual(await treeDigest(out), await treeDigest(src));
});

/**
 * Parts the center has acknowledged: rows of its `parts` table
 * (docs/design/storage-format.md). A blob file alone is not enough: the
 * center records a part only after the file is in place, so a kill between
 * the two leaves a file the center rightly asks for again.
 */
function countParts(data: string): number {
  const db = new DatabaseSync(join(data, 'center.db'), { readOnly: true, timeout: 5000 });
  try {
    return (db.prepare('SELECT count(*) AS n FROM parts').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Polls a condition; the test's timeout bounds the wait. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await delay(10);
}
