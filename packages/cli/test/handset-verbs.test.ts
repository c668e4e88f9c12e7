/**
 * The issue-3 verbs other than the live loop, with real processes: B1
 * settings, the virtual device's state as a start request would see it,
 * the power-on trigger, B9 offload and fetch, notices, and `pc schedule`
 * showing and changing a schedule.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ScheduleView } from '@phonesafe/protocol';
import { centerWithOwner, cli, cliFails, cliJson, treeDigest, writeTree } from '@phonesafe/testkit';

const OWNER = 'verbs@example.org';

interface DeviceJson {
  battery: number;
  idle: boolean;
  busyUntil: string | null;
  answer: 'OK' | 'NG';
  reason: string | null;
}

test('handset settings, device state, power-on, offload and fetch; pc schedule and notices', { timeout: 180_000 }, async (t) => {
  const { root, center, env } = await centerWithOwner(t, OWNER, 'verbs password');
  const [src, a] = [join(root, 'src'), join(root, 'a')];
  await writeTree(src, {
    'contacts/ann.vcf': 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n',
    'photos/old.jpg': Buffer.alloc(120_000, 7),
    'photos/other.jpg': Buffer.alloc(80_000, 9),
  });
  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);

  // B1: defaults that work with no set-up, then changes; a bad key or value is a usage error.
  const defaults = await cliJson<{ settings: { targets: { kinds: string[] }; compress: boolean; triggers: { powerOn: boolean } } }>(
    ['handset', 'settings', '--data', a],
    env,
  );
  assert.deepEqual(defaults.settings.targets.kinds, ['contacts']);
  assert.equal(defaults.settings.compress, true);
  const changed = await cliJson<typeof defaults>(
    [
      'handset',
      'settings',
      '--data',
      a,
      '--set',
      'targets.kinds=contacts,media',
      '--set',
      'compress=false',
      '--set',
      'triggers.powerOn=true',
    ],
    env,
  );
  assert.deepEqual(changed.settings.targets.kinds, ['contacts', 'media']);
  assert.equal(changed.settings.compress, false);
  assert.equal(changed.settings.triggers.powerOn, true);
  await cliFails(['handset', 'settings', '--data', a, '--set', 'colour=blue'], env, 2, 'USAGE');
  await cliFails(['handset', 'settings', '--data', a, '--set', 'compress'], env, 2, 'USAGE');
  const human = await cli(['handset', 'settings', '--data', a], env);
  assert.match(human.stdout, /^targets\.kinds\s+contacts,media$/m);
  await cliJson(['handset', 'import', '--data', a, src], env);

  // The device as a backup start request would find it.
  const state = (args: string[]) => cliJson<DeviceJson>(['handset', 'state', '--data', a, ...args], env);
  assert.deepEqual(pickAnswer(await state([])), ['OK', null]);
  assert.deepEqual(pickAnswer(await state(['--battery', '5'])), ['NG', 'battery-low']);
  assert.deepEqual(pickAnswer(await state(['--battery', '80', '--idle', 'false'])), ['NG', 'not-idle']);
  assert.deepEqual(pickAnswer(await state(['--idle', 'true'])), ['OK', null]);
  const busy = await cliJson<DeviceJson>(['handset', 'busy', '--data', a, '--for', '5m'], env);
  assert.deepEqual(pickAnswer(busy), ['NG', 'operating']);
  assert.ok(busy.busyUntil);
  assert.deepEqual(pickAnswer(await cliJson<DeviceJson>(['handset', 'busy', '--data', a, '--for', '0s'], env)), ['OK', null]);
  await cliFails(['handset', 'busy', '--data', a, '--for', '5 minutes'], env, 2, 'USAGE');
  await cliFails(['handset', 'state', '--data', a, '--battery', '101'], env, 2, 'USAGE');

  // B4 power-on trigger: a backup of the targets.
  const powered = await cliJson<{ backup: { ok: boolean; trigger: string; result: { backupId: string; files: number } } }>(
    ['handset', 'power-on', '--data', a],
    env,
  );
  assert.equal(powered.backup.ok, true);
  assert.equal(powered.backup.trigger, 'power-on');
  assert.equal(powered.backup.result.files, 3);

  // B9: media moves to the center, the handset keeps stubs; one comes back on demand.
  const before = await treeDigest(src);
  const offloaded = await cliJson<{ items: { path: string }[]; bytes: number }>(
    ['handset', 'offload', '--data', a, '--kinds', 'media', '--older-than', '0s'],
    env,
  );
  assert.deepEqual(offloaded.items.map((i) => i.path).sort(), ['photos/old.jpg', 'photos/other.jpg']);
  assert.equal(offloaded.bytes, 200_000);
  const status = await cliJson<{ stubs: { path: string }[] }>(['handset', 'status', '--data', a], env);
  assert.equal(status.stubs.length, 2);
  const lean = join(root, 'export-lean');
  const leanExport = await cliJson<{ files: number; offloaded: number }>(['handset', 'export', '--data', a, lean], env);
  assert.deepEqual([leanExport.files, leanExport.offloaded], [1, 2]);
  const fetched = await cliJson<{ path: string; fetched: boolean }>(['handset', 'fetch', '--data', a, 'photos/old.jpg'], env);
  assert.deepEqual([fetched.path, fetched.fetched], ['photos/old.jpg', true]);
  const back = join(root, 'export-back');
  await cliJson(['handset', 'export', '--data', a, back], env);
  const { ['photos/other.jpg']: _stillAway, ...present } = before;
  assert.deepEqual(await treeDigest(back), present);
  await cliFails(['handset', 'fetch', '--data', a, 'photos/none.jpg'], env, 4, 'NOT_FOUND');

  // The pc: show a schedule, set one, change only the retry policy; wrong uses are usage errors.
  const shown = await cliJson<ScheduleView>(['pc', 'schedule', '--handset', 'A'], env);
  assert.equal(shown.handsetName, 'A');
  const weekly = await cliJson<ScheduleView>(['pc', 'schedule', '--handset', 'A', '--weekly', 'mon@04:30', '--retry-interval', '15m'], env);
  assert.deepEqual(weekly.schedule, { every: 'week', weekday: 1, at: '04:30' });
  assert.equal(weekly.retry.intervalSeconds, 900);
  assert.ok(weekly.nextRunAt && new Date(weekly.nextRunAt).getUTCDay() === 1, weekly.nextRunAt ?? 'no next run');
  const retryOnly = await cliJson<ScheduleView>(['pc', 'schedule', '--handset', 'A', '--tries', '2'], env);
  assert.deepEqual(retryOnly.schedule, weekly.schedule);
  assert.deepEqual(retryOnly.retry, { ...weekly.retry, maxTries: 2 });
  const text = await cli(['pc', 'schedule', '--handset', 'A'], env);
  assert.match(text.stdout, /every Monday at 04:30 UTC/);
  assert.match(text.stdout, /give up after 2 tries/);
  const cleared = await cliJson<ScheduleView>(['pc', 'schedule', '--handset', 'A', '--none'], env);
  assert.deepEqual([cleared.schedule, cleared.nextRunAt], [null, null]);
  await cliFails(['pc', 'schedule', '--handset', 'A', '--daily', '03:00', '--none'], env, 2, 'USAGE');
  await cliFails(['pc', 'schedule', '--handset', 'A', '--daily', '25:00'], env, 2, 'USAGE');
  await cliFails(['pc', 'schedule', '--handset', 'A', '--retry-interval', 'soon'], env, 2, 'USAGE');
  await cliFails(['pc', 'schedule', '--handset', 'nobody'], env, 4, 'NOT_FOUND');

  const notices = await cliJson<{ notices: unknown[] }>(['pc', 'notices'], env);
  assert.ok(Array.isArray(notices.notices));
  const mine = await cliJson<{ notices: unknown[] }>(['handset', 'notices', '--data', a], env);
  assert.ok(Array.isArray(mine.notices));
});

function pickAnswer(d: DeviceJson): [string, string | null] {
  return [d.answer, d.reason];
}
