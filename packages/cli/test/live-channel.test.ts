/**
 * Issue 3 end to end, with real processes: a handset running `handset run`
 * holds its live channel to the center; a restore ordered from the pc is
 * applied at once over it, and a scheduled backup is answered NG while the
 * owner operates the handset, then OK on a retry, and committed. The
 * processes share an accelerated clock (PHONESAFE_CLOCK), so no test waits
 * for a wall-clock schedule; tests wait for events, never for a time.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Notice } from '@phonesafe/protocol';
import {
  centerWithOwner,
  cli,
  cliJson,
  ownerEnv,
  scaledClock,
  startCenter,
  tempDir,
  treeDigest,
  type TreeSpec,
  writeTree,
} from '@phonesafe/testkit';
import { runHandset, scheduleSoon, type RunEvent } from './helpers/live.ts';
import type { BackupJson } from './helpers/types.ts';

const OWNER = 'live@example.org';

function smallTree(who: string): TreeSpec {
  return {
    [`contacts/${who}.vcf`]: `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${who}\r\nEND:VCARD\r\n`,
    'calendar/week.ics': 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n',
    [`photos/${who}.jpg`]: Buffer.alloc(50_000, who),
  };
}

test('a restore ordered from the pc is applied at once over the live channel', { timeout: 120_000 }, async (t) => {
  const { root, center, env } = await centerWithOwner(t, OWNER, 'live channel password');
  const [src, a, b] = [join(root, 'src'), join(root, 'a'), join(root, 'b')];
  await writeTree(src, smallTree('alice'));
  for (const [dir, name] of [
    [a, 'A'],
    [b, 'B'],
  ] as const) {
    await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', name, '--data', dir], env);
  }
  await cliJson(['handset', 'settings', '--data', a, '--set', 'targets.kinds=all'], env);
  await cliJson(['handset', 'import', '--data', a, src], env);
  const backup = await cliJson<BackupJson>(['handset', 'backup', '--data', a], env);

  const run = runHandset(t, b, env);
  await run.next((e) => e.event === 'connected', 'connected');
  await cliJson(['pc', 'restore', '--backup', backup.backupId, '--to', 'B', '--overwrite', 'yes'], env);
  // No other command on B: the order reaches it over the channel.
  const applied = await run.next((e) => e.event === 'restore-applied', 'restore applied');
  assert.equal(applied.event === 'restore-applied' && applied.backupId, backup.backupId);
  assert.equal(applied.event === 'restore-applied' && applied.restored, 3);

  // The center goes away: the handset says so and reconnects once it is back (same port, same data).
  await center.kill();
  await run.next((e) => e.event === 'disconnected', 'disconnected');
  await startCenter(t, join(root, 'center'), center.port);
  await run.next(
    (e) => e.event === 'connected' && run.events.indexOf(e) > run.events.findIndex((d) => d.event === 'disconnected'),
    'reconnected',
  );

  const stopped = await run.stop();
  assert.equal(stopped.code, 0, `handset run ends cleanly on SIGTERM: ${stopped.stderr}`);
  assert.equal(run.events.at(-1)?.event, 'stopped');
  const exported = join(root, 'export-b');
  await cliJson(['handset', 'export', '--data', b, exported], env);
  assert.deepEqual(await treeDigest(exported), await treeDigest(src));

  const human = await cli(['handset', 'history', '--data', b], env);
  assert.equal(human.code, 0, human.stderr);
});

test('scheduled backup: NG while the owner operates the handset, OK on a retry, committed', { timeout: 180_000 }, async (t) => {
  const root = await tempDir(t);
  // 60 virtual seconds per real second: the scheduler's one-second tick is one virtual minute.
  const { spec, clock } = scaledClock(60);
  const center = await startCenter(t, join(root, 'center'), 0, { PHONESAFE_CLOCK: spec });
  const env = ownerEnv(root, 'schedule password', { PHONESAFE_CENTER: center.url, PHONESAFE_OWNER: OWNER, PHONESAFE_CLOCK: spec });
  const [src, a] = [join(root, 'src'), join(root, 'a')];
  await writeTree(src, smallTree('bob'));
  await cliJson(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);
  // The handset's own schedule trigger (registered at the center as it changes) is off: the pc sets the schedule.
  const settings = await cliJson<{ schedule?: { registered: boolean } }>(
    ['handset', 'settings', '--data', a, '--set', 'targets.kinds=contacts,calendar,media', '--set', 'triggers.schedule=none'],
    env,
  );
  assert.equal(settings.schedule?.registered, true);
  await cliJson(['handset', 'import', '--data', a, src], env);

  const run = runHandset(t, a, env);
  await run.next((e) => e.event === 'connected', 'connected');
  // The owner is operating A until told otherwise.
  await cliJson(['handset', 'busy', '--data', a, '--for', '1d'], env);
  const view = await scheduleSoon(env, clock, 'A', ['--retry-interval', '2m', '--answer-timeout', '2m', '--tries', '20']);
  assert.deepEqual(view.retry, { intervalSeconds: 120, answerTimeoutSeconds: 120, maxTries: 20 });

  const shown = await cliJson<typeof view>(['pc', 'schedule', '--handset', 'A'], env);
  assert.deepEqual(shown.schedule, view.schedule);
  assert.deepEqual(shown.retry, view.retry);
  // Today's slot, or (once it has come: the clock runs fast) tomorrow's.
  const slot = new Date(view.nextRunAt!).getTime();
  assert.ok(
    [slot, slot + 86_400_000].includes(new Date(shown.nextRunAt!).getTime()),
    `next run ${shown.nextRunAt}, slot ${view.nextRunAt}`,
  );

  const ng = await run.next((e) => e.event === 'answered', 'an answer');
  assert.equal(ng.event === 'answered' && ng.answer, 'NG');
  assert.equal(ng.event === 'answered' && ng.reason, 'operating');
  // The owner puts the handset down: a later retry is answered OK and the backup runs.
  await cliJson(['handset', 'busy', '--data', a, '--for', '0s'], env);
  const ok = await run.next((e) => e.event === 'answered' && e.answer === 'OK', 'an OK answer');
  const committed = await run.next((e) => e.event === 'backup-committed', 'backup committed');

  assert.ok(ok.event === 'answered' && ng.event === 'answered' && ok.jobId === ng.jobId, 'the retry belongs to the same job');
  assert.ok(ok.event === 'answered' && (ok.attempt ?? 0) > 1, `OK came on a retry: ${JSON.stringify(ok)}`);
  const requests = run.events.filter((e): e is Extract<RunEvent, { event: 'backup-start' }> => e.event === 'backup-start');
  assert.deepEqual(
    requests.map((r) => r.attempt),
    requests.map((_, i) => i + 1),
    'attempts count up by one',
  );
  assert.ok(requests.every((r) => r.jobId === ng.jobId));
  assert.equal(committed.event === 'backup-committed' && committed.jobId, ng.jobId);
  // The scheduled backup says what it covered: the handset's targets.
  assert.deepEqual(committed.event === 'backup-committed' && committed.kinds, ['calendar', 'contacts', 'media']);
  const after = await cliJson<{ lastScheduled: { backupId: string; kinds: string[] } | null }>(['pc', 'schedule', '--handset', 'A'], env);
  assert.deepEqual(after.lastScheduled?.kinds, ['calendar', 'contacts', 'media']);

  const backups = await cliJson<{ backups: { backupId: string; handsetName: string; files: unknown[] }[] }>(
    ['pc', 'backups', '--handset', 'A'],
    env,
  );
  assert.equal(backups.backups[0]?.backupId, committed.event === 'backup-committed' ? committed.backupId : undefined);
  assert.equal(backups.backups[0]?.files.length, 3);
  const notices = await cliJson<{ notices: Notice[] }>(['pc', 'notices'], env);
  assert.ok(!notices.notices.some((n) => n.kind === 'backup-failed'), 'no give-up notice');

  const stopped = await run.stop();
  assert.equal(stopped.code, 0, stopped.stderr);
});
