/**
 * Offloaded stubs (B9) travel in every generation, whatever the backup's
 * scope: their content exists only at the center, and the newest backup of
 * any scope must keep referencing it. A stub whose content the center lost
 * is left out (named in the result) instead of failing every later backup.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runPrune, type CenterConfig } from '@phonesafe/center';
import { PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient, loginOwner } from '@phonesafe/protocol/node';
import type { HandsetAgent } from '../src/index.ts';
import { OWNER_EMAIL, OWNER_PASSWORD, writeTree } from '@phonesafe/testkit';
import { centerWorld } from './center-world.ts';

const FILES = {
  'contacts/alice.vcf': 'BEGIN:VCARD\r\nFN:Alice\r\nEND:VCARD\r\n',
  'media/holiday.jpg': randomBytes(300_000),
  'notes/todo.txt': 'buy milk\n',
};

async function offloadedPhone(t: TestContext): Promise<{ agent: HandsetAgent; config: CenterConfig; url: string }> {
  const w = await centerWorld(t, { label: 'stubs', center: { tickMs: 0 } });
  const root = w.root;
  const agent = await w.handset('phone');
  await writeTree(join(root, 'src'), FILES);
  await agent.importTree(join(root, 'src'));
  await agent.backup();
  assert.equal((await agent.offload({ kinds: ['media'] })).items.length, 1);
  return { agent, config: w.config, url: w.url };
}

test('a backup of the default targets (contacts) still names the stubs, declares only contacts and sends nothing for them', async (t) => {
  const { agent } = await offloadedPhone(t);
  await agent.setSetting('triggers.powerOn', 'true');
  const triggered = await agent.powerOn();
  assert.ok(triggered?.ok, JSON.stringify(triggered));
  assert.deepEqual([triggered.result.kinds, triggered.result.files, triggered.result.sentParts], [['contacts'], 2, 0]);
  assert.equal(triggered.result.lostStubs, undefined);
  const again = await agent.backup({ kinds: ['other'] });
  assert.deepEqual([again.kinds, again.files, again.sentParts], [['other'], 2, 0], 'the note and the media stub, nothing to send');
});

test('a stub whose content the center lost is left out and named; the backup commits and the stub stays', async (t) => {
  const { agent, config, url } = await offloadedPhone(t);
  // The center loses the stub's content: every backup deleted, then pruned.
  const pc = await loginOwner(new CenterClient({ baseUrl: url }), OWNER_EMAIL, OWNER_PASSWORD);
  t.after(() => pc.client.close());
  for (const backup of await pc.client.listBackups()) await pc.client.deleteBackup(backup.backupId);
  await runPrune({ ...config, pruneGraceMs: 0 });

  const backup = await agent.backup();
  assert.deepEqual(backup.lostStubs, ['media/holiday.jpg']);
  assert.equal(backup.files, 2, 'the contact and the note are backed up again from memory');
  assert.deepEqual(
    agent.status().stubs.map((s) => s.path),
    ['media/holiday.jpg'],
    'the stub stays',
  );
  const next = await agent.backup();
  assert.deepEqual([next.lostStubs, next.sentParts], [['media/holiday.jpg'], 0]);
  await assert.rejects(agent.fetch('media/holiday.jpg'), (e: unknown) => e instanceof PhoneSafeError && e.code === 'NOT_FOUND');
});
