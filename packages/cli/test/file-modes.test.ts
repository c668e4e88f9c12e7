/**
 * Issue 8 item 13: data is readable by its user alone. A center, a handset
 * enrolled into a directory that already existed with mode 0755, a backup and
 * a pc login leave no file readable and no directory open to group or others;
 * what the user exports is left to the umask.
 */
import { strict as assert } from 'node:assert';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { cliJson, OWNER_PASSWORD, ownerEnv, startCenter, tempDir, writeTree } from '@phonesafe/testkit';

const OWNER = 'owner@example.org';

/** Every path under `root` (itself included) with group/other permission bits set, as "path mode". */
async function openToOthers(root: string, skip: (path: string) => boolean = () => false): Promise<string[]> {
  const found: string[] = [];
  const visit = async (path: string): Promise<void> => {
    if (skip(path)) return;
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) found.push(`${relative(root, path) || '.'} ${(info.mode & 0o777).toString(8)}`);
    if (info.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(root);
  return found;
}

test(
  'center, handset and pc data are 0600 files in 0700 directories, also in directories that existed with 0755',
  { timeout: 120_000 },
  async (t) => {
    // The usual umask, so that only modes set on purpose can pass.
    const umask = process.umask(0o022);
    t.after(() => process.umask(umask));
    const root = await tempDir(t);
    const [centerDir, handsetDir, pcDir] = [join(root, 'center'), join(root, 'handset'), join(root, 'pc-profile')];
    for (const dir of [centerDir, handsetDir, join(handsetDir, 'memory'), pcDir]) await mkdir(dir, { recursive: true, mode: 0o755 });
    const src = join(root, 'src');
    await writeTree(src, { 'contacts/alice.vcf': 'BEGIN:VCARD\r\nFN:Alice\r\nEND:VCARD\r\n', 'photos/a.jpg': 'x'.repeat(300_000) });

    const center = await startCenter(t, centerDir);
    const env = ownerEnv(root, OWNER_PASSWORD, { PHONESAFE_PC_DIR: pcDir });
    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'phone', '--data', handsetDir], env);
    await cliJson(['handset', 'import', '--data', handsetDir, src], env);
    await cliJson(['handset', 'backup', '--data', handsetDir], env);
    await cliJson(['pc', 'backups', '--center', center.url, '--owner', OWNER], env);

    // Walked while the center runs, so SQLite's -wal and -shm files are there too.
    const names = await readdir(centerDir);
    assert.ok(names.includes('center.db-wal') && names.includes('center-secret'), names.join(', '));
    assert.ok(names.includes('blobs'), 'the walk covers the blob store too');
    assert.deepEqual(await openToOthers(centerDir), []);
    assert.deepEqual(await openToOthers(handsetDir), []);
    assert.deepEqual(await openToOthers(pcDir), []);

    const exported = join(root, 'export');
    await cliJson(['handset', 'export', '--data', handsetDir, exported], env);
    assert.equal((await stat(join(exported, 'contacts/alice.vcf'))).mode & 0o777, 0o644, 'an export follows the umask');
    assert.equal((await stat(join(exported, 'contacts'))).mode & 0o777, 0o755);
  },
);
