/**
 * Scenarios d and e (B7): another owner cannot see or touch a backup, and
 * the center holds ciphertext only: a marker planted in a contact and in a
 * file name appears nowhere in its data directory (blobs, SQLite db, WAL).
 */
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliFails, cliJson, handsetTree, listFiles, ownerEnv, startCenter, tempDir, writeTree } from '@phonesafe/testkit';
import type { BackupJson, BackupListJson } from './helpers/types.ts';

const MARKER = 'Zyzzogeton4217';

test('another owner cannot list, download or restore a backup; the center stores no plaintext', { timeout: 300_000 }, async (t) => {
  const root = await tempDir(t);
  const data = join(root, 'center');
  const center = await startCenter(t, data);
  const alice = ownerEnv(join(root, 'alice'), 'alice password', { PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: 'alice@example.org' });
  const mallory = ownerEnv(join(root, 'mallory'), 'mallory password', {
    PHONESAFE_CENTER: center.url,
    PHONESAFE_OWNER: 'mallory@example.org',
  });
  const src = join(root, 'src');
  await writeTree(src, handsetTree({ marker: MARKER }));

  const enroll = (env: typeof alice, dir: string, name: string) =>
    cliJson(['handset', 'enroll', '--center', center.url, '--owner', env.PHONESAFE_OWNER!, '--name', name, '--data', dir], env);
  await enroll(alice, join(root, 'alice-phone'), 'phone');
  await cliJson(['handset', 'import', '--data', join(root, 'alice-phone'), src], alice);
  const backup = await cliJson<BackupJson>(['handset', 'backup', '--data', join(root, 'alice-phone')], alice);
  await enroll(mallory, join(root, 'mallory-phone'), 'phone');

  const seen = await cliJson<BackupListJson>(['pc', 'backups'], mallory);
  assert.deepEqual(seen.backups, []);
  await cliFails(['pc', 'download', '--backup', backup.backupId, '--out', join(root, 'loot')], mallory, 4, 'NOT_FOUND');
  await cliFails(['pc', 'restore', '--backup', backup.backupId, '--to', 'phone'], mallory, 4, 'NOT_FOUND');
  await cliFails(
    ['handset', 'restore', '--data', join(root, 'mallory-phone'), '--backup', backup.backupId, '--overwrite', 'yes'],
    mallory,
    4,
    'NOT_FOUND',
  );
  await cliFails(
    ['handset', 'restore', '--data', join(root, 'mallory-phone'), '--from-handset', 'phone', '--overwrite', 'yes'],
    mallory,
    4,
    'NOT_FOUND',
  );

  // Alice herself sees the marker, so it really went into the backup.
  const own = await cliJson<BackupListJson>(['pc', 'backups'], alice);
  assert.ok(own.backups[0]!.files.some((f) => f.path.includes(MARKER)));

  const marker = Buffer.from(MARKER);
  const files = await listFiles(data);
  // The running center keeps recent writes in the WAL: both files must be scanned.
  for (const name of ['center.db', 'center.db-wal']) assert.ok(files.includes(join(data, name)), `${name} is scanned`);
  for (const file of files) assert.equal((await readFile(file)).indexOf(marker), -1, `${file} contains the plaintext marker`);
});
