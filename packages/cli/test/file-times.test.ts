/**
 * Issue 11 item 4: file modification times survive import → backup →
 * restore → export, and `pc download`; `import --mirror` deletes what is
 * gone from the source, so a restore does not bring it back; restore and
 * download take --include (a single file too); a download removes the
 * temporary files an interrupted one left.
 */
import { strict as assert } from 'node:assert';
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cliFails, cliJson, readTree, writeTree } from '@phonesafe/testkit';

const OWNER = 'times@example.org';
const TREE = {
  'contacts/ann.vcf': 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n',
  'photos/beach.jpg': Buffer.alloc(40_000, 3),
  'docs/old.txt': 'written long ago\n',
};
const TIMES: Record<string, string> = {
  'contacts/ann.vcf': '2019-03-04T05:06:07.000Z',
  'photos/beach.jpg': '2021-07-08T09:10:11.000Z',
  'docs/old.txt': '2015-01-02T03:04:05.000Z',
};

async function mtimes(root: string, paths: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of paths) out[path] = new Date(Math.round((await stat(join(root, path))).mtimeMs)).toISOString();
  return out;
}

test('mtimes survive import, backup, restore, export and download; import --mirror deletes; --include', { timeout: 180_000 }, async (t) => {
  const { root, center, env } = await centerWithOwner(t, OWNER);
  const dirs = Object.fromEntries(['src', 'a', 'b', 'c', 'out-a', 'out-b', 'out-c', 'dl', 'one'].map((d) => [d, join(root, d)]));
  const enroll = (name: string, dir: string) =>
    cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', name, '--data', dir], env);
  await enroll('A', dirs.a!);
  await writeTree(dirs.src!, TREE);
  for (const [path, at] of Object.entries(TIMES)) await utimes(join(dirs.src!, path), new Date(at), new Date(at));
  await cliJson(['handset', 'import', '--data', dirs.a!, dirs.src!], env);
  const first = await cliJson<{ backupId: string }>(['handset', 'backup', '--data', dirs.a!], env);
  const paths = Object.keys(TIMES);

  // The backup's manifest holds each file's own time, not the import's.
  const ls = await cliJson<{ files: { path: string; modifiedAt: string }[] }>(['pc', 'ls', '--', first.backupId], env);
  assert.deepEqual(Object.fromEntries(ls.files.map((f) => [f.path, f.modifiedAt])), TIMES);

  await cliJson(['handset', 'export', '--data', dirs.a!, dirs['out-a']!], env);
  assert.deepEqual(await mtimes(dirs['out-a']!, paths), TIMES);

  // A leftover of an interrupted download is cleared by the next one.
  await writeTree(dirs.dl!, { 'photos/.phonesafe-0123456789ab.tmp': 'half a file' });
  await cliJson(['pc', 'download', '--backup', first.backupId, '--out', dirs.dl!], env);
  assert.deepEqual(await mtimes(dirs.dl!, paths), TIMES);
  assert.deepEqual(await readdir(join(dirs.dl!, 'photos')), ['beach.jpg']);

  // Restore onto another handset, then export there: the times are the files'.
  await enroll('B', dirs.b!);
  await cliJson(['handset', 'restore', '--data', dirs.b!, '--backup', first.backupId, '--overwrite', 'yes'], env);
  await cliJson(['handset', 'export', '--data', dirs.b!, dirs['out-b']!], env);
  assert.deepEqual(await mtimes(dirs['out-b']!, paths), TIMES);

  // --mirror: a file deleted at the source goes from the handset and from later backups.
  await rm(join(dirs.src!, 'docs/old.txt'));
  const mirrored = await cliJson<{ deleted: number; unchanged: number }>(
    ['handset', 'import', '--data', dirs.a!, '--mirror', dirs.src!],
    env,
  );
  assert.deepEqual([mirrored.deleted, mirrored.unchanged], [1, 2]);
  await cliJson(['handset', 'backup', '--data', dirs.a!], env);
  await enroll('C', dirs.c!);
  await cliJson(['handset', 'restore', '--data', dirs.c!, '--from-handset', 'A', '--overwrite', 'yes'], env);
  await cliJson(['handset', 'export', '--data', dirs.c!, dirs['out-c']!], env);
  assert.deepEqual([...(await readTree(dirs['out-c']!)).keys()].sort(), ['contacts/ann.vcf', 'photos/beach.jpg']);

  // --include: one file, or what is under a folder; a path that names nothing is refused.
  const one = await cliJson<{ files: number }>(
    ['pc', 'download', '--backup', first.backupId, '--out', dirs.one!, '--include', 'docs/old.txt'],
    env,
  );
  assert.equal(one.files, 1);
  assert.deepEqual([...(await readTree(dirs.one!)).keys()], ['docs/old.txt']);
  await cliFails(['pc', 'download', '--backup', first.backupId, '--out', dirs.one!, '--include', 'docs/nothing.txt'], env, 4, 'NOT_FOUND');
  const restored = await cliJson<{ restored: number; alreadyThere: number }>(
    ['handset', 'restore', '--data', dirs.c!, '--backup', first.backupId, '--include', 'docs', '--overwrite', 'yes'],
    env,
  );
  assert.deepEqual([restored.restored, restored.alreadyThere], [1, 0]);
});
