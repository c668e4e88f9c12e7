/**
 * Scenario a: the whole B-feature path with real processes. Back up a
 * handset, change about 1% of it, back up again (only the change travels),
 * restore onto a second handset and compare byte for byte; the pc lists,
 * downloads and pushes a restore that the handset applies on its next command.
 */
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CHUNK_SIZES } from '@phonesafe/protocol';
import {
  cli,
  cliFails,
  cliJson,
  editMiddle,
  handsetTree,
  OWNER_PASSWORD,
  ownerEnv,
  startCenter,
  tempDir,
  treeDigest,
  writeTree,
} from '@phonesafe/testkit';
import type { BackupJson, BackupListJson, RestoreJson } from './helpers/types.ts';

const OWNER = 'owner@example.org';

test('back up, back up a 1% change, restore onto a new handset, and use the pc', { timeout: 300_000 }, async (t) => {
  const root = await tempDir(t);
  const center = await startCenter(t, join(root, 'center'));
  const env = ownerEnv(root, OWNER_PASSWORD);
  const [src, a, b] = [join(root, 'src'), join(root, 'handset-a'), join(root, 'handset-b')];
  await writeTree(src, handsetTree());
  const enroll = (dir: string, name: string) =>
    cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', name, '--data', dir], env);

  await enroll(a, 'A');
  await cliJson(['handset', 'import', '--data', a, src], env);
  const first = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);
  const before = await treeDigest(src);

  // About 1%: bytes in the middle of the 12 MiB photo, one contact, one new file.
  await editMiddle(join(src, 'photos/2025/big.jpg'), 4096);
  const alice = join(src, 'contacts/alice.vcf');
  await writeFile(alice, (await readFile(alice, 'utf8')).replace('+33 6 12 34 56 78', '+33 7 98 76 54 32'));
  await writeFile(join(src, 'notes/new.txt'), 'added after the first backup\n');
  await cliJson(['handset', 'import', '--data', a, src], env);
  const second = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);
  const after = await treeDigest(src);
  t.diagnostic(`first backup sent ${first.sentBytes} bytes, second ${second.sentBytes} (${second.reusedParts} parts reused)`);
  // An edit in place changes at most the two content-defined chunks around it (each up to
  // the maximum chunk size, less than the 12 MiB photo); the contact, the note and the
  // manifest are a few KiB more.
  const bound = 2 * DEFAULT_CHUNK_SIZES.max + 64 * 1024;
  assert.ok(second.sentBytes < bound, `second backup sent ${second.sentBytes} bytes, more than the chunks around the edit (${bound})`);
  assert.ok(second.reusedParts > 0, 'unchanged parts are reused');

  await enroll(b, 'B');
  const restored = await cliJson<RestoreJson>(['handset', 'restore', '--data', b, '--from-handset', 'A', '--overwrite', 'yes'], env);
  assert.equal(restored.backupId, second.backupId);
  const exportB = join(root, 'export-b');
  await cliJson(['handset', 'export', '--data', b, exportB], env);
  assert.deepEqual(await treeDigest(exportB), after);

  // The pc: the first call names center and owner; later ones use the saved profile.
  const listing = await cliJson<BackupListJson>(['pc', 'backups', '--center', center.url, '--owner', OWNER], env);
  assert.deepEqual(
    listing.backups.map((x) => x.backupId),
    [second.backupId, first.backupId],
  );
  const newest = listing.backups[0]!;
  assert.equal(newest.handsetName, 'A');
  assert.equal(newest.files.length, Object.keys(after).length);
  assert.ok(newest.files.some((f) => f.path === 'photos/été/写真 ünïcødé.jpg' && f.kind === 'media'));
  assert.ok(newest.files.some((f) => f.path === 'photos/2025/big.jpg' && f.size === 12 * 1024 * 1024));

  // One line per backup; the files of one with pc ls.
  const human = await cli(['pc', 'backups'], env);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^${second.backupId}\\s+\\S+ \\S+\\s+A\\s+manual\\s+all kinds\\s+`, 'm'));
  assert.match(human.stdout, /^2 backups$/m);
  const files = await cli(['pc', 'ls', 'latest'], env);
  assert.equal(files.code, 0, files.stderr);
  assert.match(files.stdout, /12\.0 MiB\s+\S+ \S+\s+photos\/2025\/big\.jpg/);

  const download = join(root, 'download');
  await cliJson(['pc', 'download', '--backup', second.backupId, '--out', download], env);
  assert.deepEqual(await treeDigest(download), after);

  const contactsOnly = join(root, 'download-contacts');
  await cliJson(['pc', 'download', '--backup', first.backupId, '--out', contactsOnly, '--kinds', 'contacts'], env);
  assert.deepEqual(
    await treeDigest(contactsOnly),
    pick(before, (p) => p.startsWith('contacts/')),
  );

  // Without a terminal, 'ask' cannot ask: the restore names the conflicts and writes nothing.
  const refused = await cliFails(['handset', 'restore', '--data', b, '--backup', first.backupId], env, 5, 'OVERWRITE_REFUSED');
  assert.match(refused.stderr, /contacts\/alice\.vcf/);
  assert.match(refused.stderr, /photos\/2025\/big\.jpg/);
  const exportB1 = join(root, 'export-b1');
  await cliJson(['handset', 'export', '--data', b, exportB1], env);
  assert.deepEqual(await treeDigest(exportB1), after);

  // Push the first generation to B; B's next command, whatever it is, applies it.
  await cliJson(['pc', 'restore', '--backup', first.backupId, '--to', 'B', '--overwrite', 'yes'], env);
  const status = await cli(['handset', 'status', '--data', b], env);
  assert.equal(status.code, 0, status.stderr);
  const exportB2 = join(root, 'export-b2');
  await cliJson(['handset', 'export', '--data', b, exportB2], env);
  assert.deepEqual(
    await treeDigest(exportB2),
    { ...before, 'notes/new.txt': after['notes/new.txt']! },
    'old versions back, the newer file kept',
  );

  const stopped = await center.stop();
  assert.equal(stopped.code, 0, `the center closes cleanly on SIGTERM: ${stopped.stderr}`);
});

function pick(digest: Record<string, string>, keep: (path: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(digest).filter(([path]) => keep(path)));
}
