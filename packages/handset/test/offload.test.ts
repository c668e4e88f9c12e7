/**
 * B9 memory extension against a real center: offload leaves stubs whose
 * content a committed backup holds, fetch brings it back checked, and a
 * failure at any step leaves each item fully present or a committed stub.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ManualClock, PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient } from '@phonesafe/protocol/node';
import type { HandsetAgent, AgentOptions, OffloadStep } from '../src/index.ts';
import { readTree, writeTree } from '@phonesafe/testkit';
import { centerWorld } from './center-world.ts';

const DAY = 24 * 3600_000;
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function phone(t: TestContext, options: AgentOptions = {}): Promise<{ agent: HandsetAgent; root: string; clock: ManualClock }> {
  const w = await centerWorld(t, { label: 'offload', center: { tickMs: 0 } });
  const clock = new ManualClock();
  const agent = await w.handset('phone', { clock, ...options });
  return { agent, root: w.root, clock };
}

const OLD = {
  'contacts/alice.vcf': 'BEGIN:VCARD\r\nFN:Alice\r\nEND:VCARD\r\n',
  'media/holiday.jpg': randomBytes(700_000),
};
const NEW = { 'media/today.jpg': randomBytes(50_000) };

test('offload leaves stubs backed by a committed backup; export skips them; fetch brings them back', async (t) => {
  const { agent, root, clock } = await phone(t);
  const src = join(root, 'src');
  // Age counts from each file's own modification time, not from its import: one import, two ages.
  await writeTree(src, OLD);
  const monthAgo = new Date(clock.now().getTime() - 30 * DAY);
  for (const path of Object.keys(OLD)) await utimes(join(src, path), monthAgo, monthAgo);
  await writeTree(src, NEW);
  for (const path of Object.keys(NEW)) await utimes(join(src, path), clock.now(), clock.now());
  await agent.importTree(src);

  const steps: OffloadStep[] = [];
  const result = await agent.offload({ kinds: ['media', 'contacts'], olderThanMs: 7 * DAY, onStep: (s) => void steps.push(s) });
  assert.ok(result.backupId, 'the items were not in a committed backup yet: one ran first');
  assert.deepEqual(
    result.items.map((i) => i.path),
    ['contacts/alice.vcf', 'media/holiday.jpg'],
    'today.jpg is too new',
  );
  assert.equal(result.bytes, Buffer.byteLength(OLD['contacts/alice.vcf']) + OLD['media/holiday.jpg'].length);
  assert.deepEqual(
    steps.map((s) => s.step),
    ['backed-up', 'verified', 'stubbed', 'removed', 'verified', 'stubbed', 'removed'],
  );

  const status = agent.status();
  assert.equal(status.items, 3, 'stubs are still items');
  assert.deepEqual(
    status.stubs.map((s) => [s.path, s.summary]),
    [
      ['contacts/alice.vcf', 'BEGIN:VCARD'],
      ['media/holiday.jpg', `media, ${OLD['media/holiday.jpg'].length} bytes`],
    ],
  );
  for (const stub of status.stubs) assert.ok(!(await exists(join(root, 'phone', 'memory', stub.id))), `${stub.path}: content gone`);

  const out1 = join(root, 'out-1');
  assert.deepEqual(await agent.exportTree(out1), { files: 1, bytes: NEW['media/today.jpg'].length, offloaded: 2 });
  assert.deepEqual([...(await readTree(out1)).keys()], ['media/today.jpg']);

  // A later backup still names the stubs (so the newest backup keeps them), without their content.
  const later = await agent.backup();
  assert.deepEqual([later.files, later.sentParts], [3, 0]);

  const holiday = status.stubs.find((s) => s.path === 'media/holiday.jpg')!;
  assert.deepEqual(await agent.fetch(holiday.id), { path: 'media/holiday.jpg', size: OLD['media/holiday.jpg'].length, fetched: true });
  assert.deepEqual(await agent.fetch('contacts/alice.vcf'), {
    path: 'contacts/alice.vcf',
    size: Buffer.byteLength(OLD['contacts/alice.vcf']),
    fetched: true,
  });
  assert.deepEqual(await agent.fetch('contacts/alice.vcf'), {
    path: 'contacts/alice.vcf',
    size: Buffer.byteLength(OLD['contacts/alice.vcf']),
    fetched: false,
  });
  assert.deepEqual(agent.status().stubs, []);
  assert.equal(agent.status().pendingVersions, 0, 'fetching changes no version: nothing to back up again');
  const out2 = join(root, 'out-2');
  await agent.exportTree(out2);
  assert.deepEqual(await readTree(out2), await readTree(src));
  await assert.rejects(agent.fetch('nowhere.txt'), (e: unknown) => e instanceof PhoneSafeError && e.code === 'NOT_FOUND');
});

test('a failure between any two steps leaves the item fully present, or a stub whose content the center holds', async (t) => {
  const { agent, root, clock } = await phone(t);
  const src = join(root, 'src');
  await writeTree(src, OLD);
  await agent.importTree(src);
  clock.advance(30 * DAY);
  const memoryFile = (path: string) => join(root, 'phone', 'memory', agent.status().stubs.find((s) => s.path === path)?.id ?? '');
  const failAt = (step: OffloadStep['step']) => (s: OffloadStep) => {
    if (s.step === step) throw new Error(`injected failure after ${step}`);
  };

  // After the backup, before verification: nothing is a stub.
  await assert.rejects(agent.offload({ kinds: ['media'], onStep: failAt('backed-up') }), /after backed-up/);
  assert.deepEqual(agent.status().stubs, []);
  // After verification, before the row changes: still fully present.
  await assert.rejects(agent.offload({ kinds: ['media'], onStep: failAt('verified') }), /after verified/);
  assert.deepEqual(agent.status().stubs, []);
  const out = join(root, 'out');
  await agent.exportTree(out);
  assert.deepEqual((await readTree(out)).get('media/holiday.jpg'), Buffer.from(OLD['media/holiday.jpg']));

  // After the row became a stub, before the content went: a stub, with its content committed at the center.
  await assert.rejects(agent.offload({ kinds: ['media'], onStep: failAt('stubbed') }), /after stubbed/);
  assert.deepEqual(
    agent.status().stubs.map((s) => s.path),
    ['media/holiday.jpg'],
  );
  assert.ok(await exists(memoryFile('media/holiday.jpg')), 'the stray content is still there');
  // The next offload (even one with nothing to do) clears the stray file; fetch proves the center holds the content.
  await agent.offload({ kinds: ['calendar'] });
  assert.ok(!(await exists(memoryFile('media/holiday.jpg'))));
  assert.equal((await agent.fetch('media/holiday.jpg')).fetched, true);
  await agent.exportTree(join(root, 'out-2'));
  assert.deepEqual(await readTree(join(root, 'out-2')), await readTree(src));
});

test('when the center cannot confirm it holds the parts, nothing is offloaded', async (t) => {
  let refuse = false;
  const { agent, root, clock } = await phone(t, {
    connect: (options) => {
      const client = new CenterClient(options);
      const status = client.partStatus.bind(client);
      client.partStatus = async (ids) => {
        const answer = await status(ids);
        // The center "lost" every part: the verification must catch it.
        return refuse ? { missing: ids, present: [] } : answer;
      };
      return client;
    },
  });
  const src = join(root, 'src');
  await writeTree(src, OLD);
  await agent.importTree(src);
  await agent.backup();
  clock.advance(30 * DAY);
  refuse = true;
  const result = await agent.offload({ kinds: ['media'] });
  assert.deepEqual(result.items, []);
  assert.match(result.kept[0]?.reason ?? '', /the center lacks \d+ of its parts/);
  assert.deepEqual(agent.status().stubs, []);
});
