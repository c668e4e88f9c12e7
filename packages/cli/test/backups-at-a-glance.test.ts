/**
 * Issue 11 item 3 on a known history of three backups (full, contacts
 * only, full after a mirrored import that changed, added and deleted one
 * file each): `pc backups` one line per backup, `pc ls`, `pc find`,
 * `pc diff`, `pc stats`, `pc forget` with a policy and --dry-run, and
 * `pc keep`, which retention and forget honour.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cli, cliFails, cliJson, writeTree } from '@phonesafe/testkit';
import { rm } from 'node:fs/promises';

const OWNER = 'glance@example.org';
const ANN = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n';
const A_JPG = Buffer.alloc(50_000, 1);
const B_JPG = Buffer.alloc(30_000, 2);
const NOTES_1 = 'first notes\n';
const NOTES_2 = 'second notes, longer\n';

interface Listing {
  backupId: string;
  kinds: string[];
  partial: boolean;
  keptAt?: string | null;
  files: { path: string }[];
}
interface Decisions {
  dryRun: boolean;
  backups: { backupId: string; decision: string }[];
}

test('pc backups, ls, find, diff, stats, forget --dry-run and keep on a known history', { timeout: 180_000 }, async (t) => {
  const { root, center, env } = await centerWithOwner(t, OWNER);
  const [src, a] = [join(root, 'src'), join(root, 'a')];
  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);
  await writeTree(src, { 'contacts/ann.vcf': ANN, 'photos/a.jpg': A_JPG, 'docs/notes.txt': NOTES_1 });
  await cliJson(['handset', 'import', '--data', a, src], env);
  const b1 = (await cliJson<{ backupId: string }>(['handset', 'backup', '--data', a], env)).backupId;
  const b2 = (await cliJson<{ backupId: string }>(['handset', 'backup', '--data', a, '--kinds', 'contacts'], env)).backupId;
  await rm(join(src, 'photos/a.jpg'));
  await writeTree(src, { 'photos/b.jpg': B_JPG, 'docs/notes.txt': NOTES_2 });
  const mirrored = await cliJson<{ added: number; updated: number; deleted: number }>(
    ['handset', 'import', '--data', a, '--mirror', src],
    env,
  );
  assert.deepEqual([mirrored.added, mirrored.updated, mirrored.deleted], [1, 1, 1]);
  const b3 = (await cliJson<{ backupId: string }>(['handset', 'backup', '--data', a], env)).backupId;

  // One line per backup, newest first, between a header and a count; "partial" only on the contacts-only one.
  const listed = (await cli(['pc', 'backups'], env)).stdout.trimEnd().split('\n');
  assert.equal(listed.length, 5, listed.join('\n'));
  assert.match(listed[0]!, /^ID\s+DATE \(UTC\)\s+HANDSET\s+TRIGGER\s+KINDS\s+FILES\s+SIZE$/);
  assert.deepEqual(
    listed.slice(1, 4).map((line) => line.split(/\s+/)[0]),
    [b3, b2, b1],
  );
  assert.match(listed[2]!, /\sA\s+manual\s+contacts\s+1 file\s+.*\spartial$/);
  assert.doesNotMatch(listed[1]!, /partial/);
  assert.doesNotMatch(listed[3]!, /partial/);
  assert.equal(listed[4], '3 backups');

  // Ids may begin with '-': after `--` they are never taken for options.
  // ls: one backup's files, under a path; a unique prefix of the id will do, and `latest`.
  const ls = await cliJson<{ backupId: string; files: { path: string }[] }>(['pc', 'ls', '--', b1.slice(0, 8), 'photos'], env);
  assert.equal(ls.backupId, b1);
  assert.deepEqual(
    ls.files.map((f) => f.path),
    ['photos/a.jpg'],
  );
  const latest = await cliJson<{ backupId: string; files: { path: string }[] }>(['pc', 'ls', 'latest'], env);
  assert.equal(latest.backupId, b3);
  assert.deepEqual(
    latest.files.map((f) => f.path),
    ['contacts/ann.vcf', 'docs/notes.txt', 'photos/b.jpg'],
  );
  await cliFails(['pc', 'ls', 'nosuchbackup'], env, 4, 'NOT_FOUND');

  // find: by file name across backups, newest first.
  const found = await cliJson<{ found: { backupId: string; path: string }[] }>(['pc', 'find', '*.jpg'], env);
  assert.deepEqual(
    found.found.map((f) => [f.backupId, f.path]),
    [
      [b3, 'photos/b.jpg'],
      [b1, 'photos/a.jpg'],
    ],
  );
  const byPath = await cliJson<{ found: { backupId: string }[] }>(['pc', 'find', 'contacts/*'], env);
  assert.deepEqual(
    byPath.found.map((f) => f.backupId),
    [b3, b2, b1],
  );

  // diff: what the mirrored import changed.
  const diff = await cliJson<{
    added: { path: string }[];
    removed: { path: string }[];
    changed: { path: string; before: number; after: number }[];
    unchanged: number;
  }>(['pc', 'diff', '--', b1, b3], env);
  assert.deepEqual(
    diff.added.map((f) => f.path),
    ['photos/b.jpg'],
  );
  assert.deepEqual(
    diff.removed.map((f) => f.path),
    ['photos/a.jpg'],
  );
  assert.deepEqual(diff.changed, [{ path: 'docs/notes.txt', kind: 'other', before: NOTES_1.length, after: NOTES_2.length }]);
  assert.equal(diff.unchanged, 1);

  // stats: restore size counts every backup's files, raw data each content once; stored is what the quota counts.
  const stats = await cliJson<{
    backups: number;
    files: number;
    restoreBytes: number;
    rawBytes: number;
    distinctFiles: number;
    storedBytes: number;
    dedupRatio: number;
    quota: { storedBytes: number };
  }>(['pc', 'stats'], env);
  const ann = Buffer.byteLength(ANN);
  assert.equal(stats.backups, 3);
  assert.equal(stats.files, 3 + 1 + 3);
  assert.equal(stats.restoreBytes, ann + A_JPG.length + NOTES_1.length + ann + (ann + B_JPG.length + NOTES_2.length));
  assert.equal(stats.rawBytes, ann + A_JPG.length + NOTES_1.length + B_JPG.length + NOTES_2.length);
  assert.equal(stats.distinctFiles, 5);
  assert.equal(stats.storedBytes, stats.quota.storedBytes);
  // Sealed media (not compressed) and the manifests: at least the raw data, less than it all twice.
  assert.ok(stats.storedBytes >= A_JPG.length + B_JPG.length && stats.storedBytes < 2 * stats.rawBytes, `stored ${stats.storedBytes}`);
  assert.equal(stats.dedupRatio, Math.round((stats.restoreBytes / stats.storedBytes) * 100) / 100);
  assert.match((await cli(['pc', 'stats'], env)).stdout, /^dedup ratio\s+\d+\.\d\dx$/m);

  // forget --dry-run: the policy per kind keeps the newest of each; nothing goes.
  const decided = (r: Decisions) => Object.fromEntries(r.backups.map((b) => [b.backupId, b.decision]));
  const dry = await cliJson<Decisions>(['pc', 'forget', '--keep-last', '1', '--dry-run'], env);
  assert.equal(dry.dryRun, true);
  assert.deepEqual(decided(dry), { [b3]: 'keep', [b2]: 'forget', [b1]: 'forget' });
  assert.equal((await cliJson<{ backups: Listing[] }>(['pc', 'backups'], env)).backups.length, 3);
  await cliFails(['pc', 'forget'], env, 2, 'USAGE');

  // keep: the first backup stays for good, through the policy and a named forget.
  const kept = await cliJson<{ keptAt: string | null }>(['pc', 'keep', '--', b1], env);
  assert.ok(kept.keptAt);
  assert.deepEqual(decided(await cliJson<Decisions>(['pc', 'forget', '--keep-last', '1', '--dry-run'], env)), {
    [b3]: 'keep',
    [b2]: 'forget',
    [b1]: 'kept-for-good',
  });
  const done = await cliJson<Decisions>(['pc', 'forget', '--keep-last', '1'], env);
  assert.equal(done.dryRun, false);
  const left = await cliJson<{ backups: Listing[] }>(['pc', 'backups'], env);
  assert.deepEqual(
    left.backups.map((b) => b.backupId),
    [b3, b1],
  );
  assert.match((await cli(['pc', 'backups'], env)).stdout, new RegExp(`^${b1}\\s.*kept for good$`, 'm'));
  await cliFails(['pc', 'forget', '--', b1], env, 5, 'BACKUP_KEPT');
  await cliJson(['pc', 'keep', '--undo', '--', b1], env);
  const named = await cliJson<Decisions>(['pc', 'forget', '--dry-run', '--', b1], env);
  assert.deepEqual(decided(named), { [b1]: 'forget' });
  assert.equal((await cliJson<{ backups: Listing[] }>(['pc', 'backups'], env)).backups.length, 2);
  await cliJson(['pc', 'forget', '--', b1], env);
  assert.deepEqual(
    (await cliJson<{ backups: Listing[] }>(['pc', 'backups'], env)).backups.map((b) => b.backupId),
    [b3],
  );
});
