/** Issue 8 item 13: the center's data directory and SQLite files are its user's alone, also when they existed with looser modes. */
import assert from 'node:assert/strict';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@phonesafe/testkit';
import { openResources } from '../src/resources.ts';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

test('opening a center tightens its data directory to 0700 and its database, -wal and -shm to 0600', async (t) => {
  const umask = process.umask(0o022);
  t.after(() => process.umask(umask));
  const root = await tempDir(t, 'modes');
  const data = join(root, 'old');
  await mkdir(data, { mode: 0o755 });
  await writeFile(join(data, 'center.db'), '', { mode: 0o644 });
  const fresh = join(root, 'new', 'data');

  for (const dir of [data, fresh]) {
    const { store } = await openResources({ data: dir, db: `sqlite:${join(dir, 'center.db')}` });
    try {
      assert.equal(await modeOf(dir), 0o700, dir);
      for (const file of ['center.db', 'center.db-wal', 'center.db-shm'])
        assert.equal(await modeOf(join(dir, file)), 0o600, `${dir}/${file}`);
    } finally {
      await store.close();
    }
  }
});
