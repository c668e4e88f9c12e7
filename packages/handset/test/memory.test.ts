import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '@phonesafe/protocol';
import { HandsetAgent } from '../src/index.ts';
import { HandsetDb } from '../src/db/database.ts';
import { Memory } from '../src/memory/memory.ts';
import { readTree, tempDir, writeTree } from '@phonesafe/testkit';

const TREE = {
  'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nEND:VCARD\n',
  'contacts/nested/deeper/bob.vcf': 'BEGIN:VCARD\nFN:Bob\nEND:VCARD\n',
  'photos/夏の海 🌊.jpg': randomBytes(4096),
  'notes/empty.txt': '',
  'notes/Ünïcödé – name.txt': 'ünïcödé',
  'big/large.bin': randomBytes(10 * 1024 * 1024),
};

test('import then export gives back the same tree, names and bytes', async (t) => {
  const root = await tempDir(t, 'identity');
  const src = join(root, 'src');
  await writeTree(src, TREE);
  const agent = await HandsetAgent.open(join(root, 'handset'), { clock: new ManualClock() });
  t.after(() => agent.close());

  const progress: number[] = [];
  const imported = await agent.importTree(src, { onProgress: (p) => progress.push(p.done) });
  assert.deepEqual(imported, {
    added: 6,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    bytes: [...new Map(Object.entries(TREE)).values()].reduce((s, c) => s + Buffer.byteLength(c), 0),
  });
  assert.ok(progress.length > 6, 'a 10 MiB file reports progress as it streams');
  assert.deepEqual(
    [...progress].sort((a, b) => a - b),
    progress,
    'progress only moves forward',
  );

  const out = join(root, 'out');
  const exported = await agent.exportTree(out);
  assert.equal(exported.files, 6);
  assert.deepEqual(await readTree(out), await readTree(src));
  assert.equal(agent.status().items, 6);
  assert.equal(agent.status().enrolled, false);
});

test('re-import after edits updates only changed items and adds new ones', async (t) => {
  const root = await tempDir(t, 'reimport');
  const src = join(root, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'A1', 'contacts/b.vcf': 'B1', 'mail/c.eml': 'C1' });
  const agent = await HandsetAgent.open(join(root, 'handset'));
  t.after(() => agent.close());
  await agent.importTree(src);

  await writeTree(src, { 'contacts/a.vcf': 'A2', 'mail/c.eml': 'C1 but longer', 'calendar/d.ics': 'D1' });
  assert.deepEqual(await agent.importTree(src), { added: 1, updated: 2, unchanged: 1, deleted: 0, bytes: 2 + 13 + 2 });
  assert.deepEqual(await agent.importTree(src), { added: 0, updated: 0, unchanged: 4, deleted: 0, bytes: 0 });

  // Same size, other bytes: still an update.
  await writeTree(src, { 'contacts/b.vcf': 'B2' });
  assert.deepEqual(await agent.importTree(src), { added: 0, updated: 1, unchanged: 3, deleted: 0, bytes: 2 });

  const out = join(root, 'out');
  await agent.exportTree(out);
  assert.deepEqual(await readTree(out), await readTree(src));
});

test('items carry kind and serial version', async (t) => {
  const root = await tempDir(t, 'versions');
  const src = join(root, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'A1', 'photos/p.jpg': 'P' });
  const agent = await HandsetAgent.open(join(root, 'handset'));
  await agent.importTree(src);
  await writeTree(src, { 'contacts/a.vcf': 'A22' });
  await agent.importTree(src);
  await writeTree(src, { 'contacts/a.vcf': 'A333' });
  await agent.importTree(src);
  await agent.close();

  const db = new HandsetDb(join(root, 'handset', 'handset.db'));
  t.after(() => db.close());
  const memory = new Memory(db, join(root, 'handset', 'memory'), new ManualClock());
  assert.deepEqual(
    memory.list().map((i) => [i.path, i.kind, i.version, i.size]),
    [
      ['contacts/a.vcf', 'contacts', 3, 4],
      ['photos/p.jpg', 'media', 1, 1],
    ],
  );
});

test('symbolic links are skipped', async (t) => {
  const root = await tempDir(t, 'links');
  const src = join(root, 'src');
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'real.txt'), 'real');
  await symlink(join(src, 'real.txt'), join(src, 'link.txt'));
  await symlink(root, join(src, 'loop'));
  const agent = await HandsetAgent.open(join(root, 'handset'));
  t.after(() => agent.close());
  assert.deepEqual(await agent.importTree(src), { added: 1, updated: 0, unchanged: 0, deleted: 0, bytes: 4 });
});
