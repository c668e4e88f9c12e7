/**
 * `handset export` writes only under its target: a symbolic link already in
 * the target (to a file or a directory outside) is refused, naming it, and
 * nothing outside changes; every path is checked before anything is written.
 */
import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ManualClock, PhoneSafeError } from '@phonesafe/protocol';
import { HandsetAgent } from '../src/index.ts';
import { readTree, tempDir, writeTree } from '@phonesafe/testkit';

const TREE = {
  'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nEND:VCARD\n',
  'media/2025/beach.jpg': 'not really a jpeg',
};

async function handsetWithItems(t: TestContext): Promise<{ agent: HandsetAgent; base: string }> {
  const base = await tempDir(t, 'export');
  await writeTree(join(base, 'src'), TREE);
  const agent = await HandsetAgent.open(join(base, 'handset'), { clock: new ManualClock() });
  t.after(() => agent.close());
  await agent.importTree(join(base, 'src'));
  return { agent, base };
}

function refusedLink(path: string): (error: unknown) => boolean {
  return (error) =>
    error instanceof PhoneSafeError && error.code === 'LOCAL_IO' && error.detail.includes(path) && /symbolic link/.test(error.detail);
}

test('export refuses a symlink to a directory outside the target: nothing made outside, nothing written', async (t) => {
  const { agent, base } = await handsetWithItems(t);
  const out = join(base, 'out');
  const elsewhere = join(base, 'elsewhere');
  await mkdir(out);
  await mkdir(elsewhere);
  await symlink(elsewhere, join(out, 'media'));
  await assert.rejects(agent.exportTree(out), refusedLink('media'));
  assert.deepEqual(await readdir(elsewhere, { recursive: true }), []);
  assert.deepEqual(await readdir(out), ['media'], 'contacts/alice.vcf was not written either');
});

test("export refuses a symlink to a file outside the target: the link's target is not overwritten", async (t) => {
  const { agent, base } = await handsetWithItems(t);
  const out = join(base, 'out');
  const outside = join(base, 'precious.txt');
  await writeFile(outside, 'keep me');
  await mkdir(join(out, 'contacts'), { recursive: true });
  await symlink(outside, join(out, 'contacts/alice.vcf'));
  await assert.rejects(agent.exportTree(out), refusedLink('contacts/alice.vcf'));
  assert.equal(await readFile(outside, 'utf8'), 'keep me');
  assert.equal((await lstat(join(out, 'contacts/alice.vcf'))).isSymbolicLink(), true);
});

test('export replaces a regular file already in the target and writes the rest', async (t) => {
  const { agent, base } = await handsetWithItems(t);
  const out = join(base, 'out');
  await writeTree(out, { 'contacts/alice.vcf': 'old content' });
  await agent.exportTree(out);
  assert.deepEqual(await readTree(out), await readTree(join(base, 'src')));
});
