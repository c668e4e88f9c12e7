import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import { HandsetDb } from '../src/db/database.ts';
import { Profile } from '../src/backup-area/profile.ts';
import { fileNames, modeOf, tempDir, writeTree } from '@phonesafe/testkit';
import { enrolledOffline } from './helpers.ts';

/** The profile as recorded in handset.db, read after the agent is closed. */
function profileRows(handsetDir: string): Array<{ path: string; version: number; sent: boolean; parts: number }> {
  const db = new HandsetDb(join(handsetDir, 'handset.db'));
  try {
    const itemIds = db.all<{ id: string; path: string }>('SELECT id, path FROM items ORDER BY path');
    const profile = new Profile(db);
    return itemIds.flatMap(({ id }) =>
      db.all<{ version: number }>('SELECT version FROM profile WHERE item_id = ? ORDER BY version', id).map(({ version }) => {
        const entry = profile.get({ itemId: id, version })!;
        return { path: entry.path, version, sent: entry.sent, parts: entry.parts.length };
      }),
    );
  } finally {
    db.close();
  }
}

test('saving an item writes its backup copy and profile record at once; re-edits add serial versions', async (t) => {
  const root = await tempDir(t, 'area');
  const handsetDir = join(root, 'handset');
  const src = join(root, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'A1', 'mail/b.eml': 'B1', 'notes/empty.txt': '' });
  const agent = await enrolledOffline(handsetDir);
  await agent.importTree(src);
  const first = agent.status();
  assert.equal(first.pendingParts, 2, 'one part per non-empty item');
  assert.equal(first.pendingVersions, 3);
  assert.equal((await fileNames(join(handsetDir, 'backup-area'))).length, 2);

  await writeTree(src, { 'contacts/a.vcf': 'A2' });
  await agent.importTree(src);
  assert.equal(agent.status().pendingParts, 3);
  await agent.close();

  assert.deepEqual(profileRows(handsetDir), [
    { path: 'contacts/a.vcf', version: 1, sent: false, parts: 1 },
    { path: 'contacts/a.vcf', version: 2, sent: false, parts: 1 },
    { path: 'mail/b.eml', version: 1, sent: false, parts: 1 },
    { path: 'notes/empty.txt', version: 1, sent: false, parts: 0 },
  ]);
});

test('one changed byte in the middle of a 12 MiB file adds only the chunks around it', async (t) => {
  const root = await tempDir(t, 'dedup');
  const handsetDir = join(root, 'handset');
  const src = join(root, 'src');
  const big = randomBytes(12 * 1024 * 1024);
  await writeTree(src, { 'appdata/big.bin': big });
  const agent = await enrolledOffline(handsetDir);
  t.after(() => agent.close());
  await agent.importTree(src);
  const before = new Set(await fileNames(join(handsetDir, 'backup-area')));
  assert.ok(before.size >= 5, `12 MiB is cut into several parts (got ${before.size})`);

  big[6 * 1024 * 1024] = big[6 * 1024 * 1024]! ^ 0xff;
  await writeTree(src, { 'appdata/big.bin': big });
  assert.equal((await agent.importTree(src)).updated, 1);
  const added = (await fileNames(join(handsetDir, 'backup-area'))).filter((id) => !before.has(id));
  assert.ok(added.length >= 1 && added.length <= 2, `expected 1-2 new parts, got ${added.length}`);
});

test('a backup that cannot reach the center deletes nothing', async (t) => {
  const root = await tempDir(t, 'nocenter');
  const handsetDir = join(root, 'handset');
  const src = join(root, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'A1', 'mail/b.eml': 'B1' });
  const agent = await enrolledOffline(handsetDir);
  t.after(() => agent.close());
  await agent.importTree(src);
  const area = await fileNames(join(handsetDir, 'backup-area'));

  await assert.rejects(agent.backup(), (error: unknown) => error instanceof PhoneSafeError && error.code === 'NETWORK');
  assert.deepEqual(await fileNames(join(handsetDir, 'backup-area')), area);
  assert.equal(agent.status().pendingVersions, 2);
  assert.equal(agent.status().lastBackup, undefined);
});

test('compression follows the setting and is never tried on media', async (t) => {
  const root = await tempDir(t, 'compress');
  const handsetDir = join(root, 'handset');
  const src = join(root, 'src');
  const text = 'the same line again\n'.repeat(10_000);
  const agent = await enrolledOffline(handsetDir);
  t.after(() => agent.close());
  assert.equal(agent.settings().compress, true);
  // Different content, so that the two do not share one deduplicated part.
  await writeTree(src, { 'notes/a.txt': text, 'media/b.txt': `${text}.` });
  await agent.importTree(src);
  const sizes = (
    await Promise.all((await fileNames(join(handsetDir, 'backup-area'))).map((id) => readFile(join(handsetDir, 'backup-area', id))))
  )
    .map((b) => b.length)
    .sort((a, b) => a - b);
  assert.ok(sizes[0]! < text.length / 10, 'the note is compressed');
  assert.ok(sizes[1]! > text.length, 'the media file is not');

  await agent.updateSettings({ compress: false });
  await writeTree(src, { 'notes/c.txt': `${text}!` });
  await agent.importTree(src);
  assert.ok(agent.status().pendingBytes > 2 * text.length, 'with compression off the new copy is full size');
});

test('identity and data key are readable by the handset user only', async (t) => {
  const root = await tempDir(t, 'modes');
  const agent = await enrolledOffline(join(root, 'handset'));
  t.after(() => agent.close());
  assert.equal(await modeOf(join(root, 'handset', 'identity.json')), 0o600);
  assert.equal(await modeOf(join(root, 'handset', 'data.key')), 0o600);
  const status = JSON.stringify(agent.status());
  assert.ok(!status.includes('secret'), 'status never shows the credential');
});
