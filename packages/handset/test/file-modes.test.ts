/** Issue 8 item 13: a handset data directory from before (0755 folders, a 0644 database) is tightened when opened. */
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { HandsetAgent } from '../src/index.ts';
import { modeOf, tempDir, writeTree } from '@phonesafe/testkit';

test('opening tightens an existing data directory, its folders and its database to the user alone', async (t) => {
  const umask = process.umask(0o022);
  t.after(() => process.umask(umask));
  const dir = join(await tempDir(t, 'modes'), 'h');
  for (const sub of ['', 'memory', 'backup-area']) await mkdir(join(dir, sub), { recursive: true, mode: 0o755 });
  await writeFile(join(dir, 'handset.db'), '', { mode: 0o644 });
  const agent = await HandsetAgent.open(dir);
  t.after(() => agent.close());
  const src = join(dir, '..', 'src');
  await writeTree(src, { 'notes/a.txt': 'a note' });
  await agent.importTree(src);

  for (const sub of ['', 'memory', 'backup-area']) assert.equal(await modeOf(join(dir, sub)), 0o700, `${sub || 'the data directory'}`);
  for (const file of ['handset.db', 'handset.db-wal', 'handset.db-shm']) assert.equal(await modeOf(join(dir, file)), 0o600, file);
  const memory = await readdir(join(dir, 'memory'));
  assert.equal(memory.length, 1);
  assert.equal(await modeOf(join(dir, 'memory', memory[0]!)), 0o600, 'a memory file');
});
