/** The virtual handset's state and the readiness answer to a center's backup start request (B3, seed 001 [0050]). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock, PhoneSafeError } from '@phonesafe/protocol';
import { HandsetAgent } from '../src/index.ts';
import { HandsetDb } from '../src/db/database.ts';
import { AreaWriters } from '../src/device/area-writers.ts';
import { tempDir, writeTree } from '@phonesafe/testkit';

test('readiness names the first cause: writing, operating, battery low, not idle', async (t) => {
  const root = await tempDir(t, 'readiness');
  const clock = new ManualClock();
  const agent = await HandsetAgent.open(join(root, 'h'), { clock });
  t.after(() => agent.close());
  assert.deepEqual(agent.readiness(), { ok: true });
  assert.deepEqual(agent.deviceState(), { busyUntil: null, battery: 100, idle: true, signal: 4, writing: false });

  agent.setDeviceState({ idle: false });
  assert.deepEqual(agent.readiness(), { ok: false, reason: 'not-idle' });
  agent.setDeviceState({ battery: 14 });
  assert.deepEqual(agent.readiness(), { ok: false, reason: 'battery-low' }, 'below the default 15 %');
  agent.setBusy(60_000);
  assert.deepEqual(agent.readiness(), { ok: false, reason: 'operating' });

  clock.advance(60_001);
  assert.deepEqual(agent.readiness(), { ok: false, reason: 'battery-low' }, 'busy ends by the clock');
  await agent.updateSettings({ batteryMin: 10 });
  assert.deepEqual(agent.readiness(), { ok: false, reason: 'not-idle' }, 'the threshold is a setting');
  agent.setDeviceState({ idle: true });
  agent.setBusy(10_000);
  agent.setBusy(0);
  assert.deepEqual(agent.readiness(), { ok: true }, 'busy 0 ends it at once');

  assert.throws(
    () => agent.setDeviceState({ battery: 101 }),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE',
  );
  agent.setDeviceState({ signal: 1 });
  assert.equal(agent.deviceState().signal, 1, 'the signal level is kept; readiness does not look at it');
  assert.deepEqual(agent.readiness(), { ok: true });
  assert.throws(
    () => agent.setDeviceState({ signal: 5 }),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE',
  );
  assert.throws(
    () => agent.setBusy(-1),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE',
  );
});

test('a save in progress answers NG writing-backup-area, in this process and from another', async (t) => {
  const root = await tempDir(t, 'writing');
  const dir = join(root, 'h');
  const agent = await HandsetAgent.open(dir, { clock: new ManualClock() });
  t.after(() => agent.close());
  const src = join(root, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'A', 'media/b.jpg': Buffer.alloc(4 * 1024 * 1024, 1) });

  const seen: string[] = [];
  const importing = agent.importTree(src, {
    onProgress: () => seen.push(agent.readiness().ok ? 'ok' : (agent.readiness() as { reason: string }).reason),
  });
  await importing;
  assert.ok(seen.length > 0 && seen.every((r) => r === 'writing-backup-area'), 'every progress report during the import saw it writing');
  assert.deepEqual(agent.readiness(), { ok: true }, 'done writing');

  // Another process on the same data directory records its import in handset.db.
  const db = new HandsetDb(join(dir, 'handset.db'));
  t.after(() => db.close());
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  t.after(() => other.kill());
  db.run('INSERT INTO area_writers (pid, since) VALUES (?, ?)', other.pid!, new Date().toISOString());
  assert.deepEqual(agent.readiness(), { ok: false, reason: 'writing-backup-area' });
  await new Promise<void>((resolve) => {
    other.once('exit', () => resolve());
    other.kill();
  });
  assert.deepEqual(agent.readiness(), { ok: true }, 'a row left by a process that is gone does not count');
  assert.equal(db.get<{ n: number }>('SELECT count(*) AS n FROM area_writers')?.n, 0, 'and is cleared');
});

test('nested tracked writes share one row, removed when the last ends', async (t) => {
  const root = await tempDir(t, 'writers');
  await (await HandsetAgent.open(join(root, 'h'))).close();
  const db = new HandsetDb(join(root, 'h', 'handset.db'));
  t.after(() => db.close());
  const writers = new AreaWriters(db);
  const rows = () => db.get<{ n: number }>('SELECT count(*) AS n FROM area_writers')?.n;
  let release!: () => void;
  const outer = writers.track(() => new Promise<void>((resolve) => (release = resolve)), true);
  await writers.track(async () => assert.equal(rows(), 1), true);
  assert.equal(rows(), 1, 'the outer write still holds it');
  assert.ok(writers.writing());
  release();
  await outer;
  assert.equal(rows(), 0);
  assert.ok(!writers.writing());
});
