/**
 * Issue 3 acceptance: two center PROCESSES share one PostgreSQL database,
 * both running their schedulers. Handset A keeps its live channel to center
 * 1, handset B to center 2; both are scheduled in the same minute. Each
 * scheduled backup must run exactly once (one start request, one job, one
 * backup), and its request must reach the handset whichever center claimed
 * the job (the other center delivers it through PostgreSQL LISTEN/NOTIFY).
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliJson, ownerEnv, pgDatabase, pgQuery, sharedClock, startCenter, tempDir, writeTree } from '@phonesafe/testkit';
import { runHandset, scheduleSoon, type RunEvent } from './helpers/live.ts';

const OWNER = 'two-centers@example.org';

test('two center processes on one PostgreSQL database run each scheduled backup exactly once', { timeout: 180_000 }, async (t) => {
  const database = await pgDatabase(t);
  const root = await tempDir(t);
  // One clock for every process, moved by the test (not by real time passing); both centers tick every 200 ms of real time.
  const shared = await sharedClock(t);
  const [spec, clock] = [shared.spec, shared.clock];
  const centerEnv = { PHONESAFE_CLOCK: spec, PHONESAFE_DB: database.url, PHONESAFE_TICK_MS: '200' };
  const one = await startCenter(t, join(root, 'center-1'), 0, centerEnv);
  const two = await startCenter(t, join(root, 'center-2'), 0, centerEnv);
  const env = ownerEnv(root, 'two centers password', { PHONESAFE_CENTER: one.url, PHONESAFE_OWNER: OWNER, PHONESAFE_CLOCK: spec });

  const handsets = [
    { name: 'A', dir: join(root, 'a'), center: one.url },
    { name: 'B', dir: join(root, 'b'), center: two.url },
  ];
  for (const h of handsets) {
    await writeTree(join(root, `src-${h.name}`), {
      [`contacts/${h.name}.vcf`]: `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${h.name}\r\nEND:VCARD\r\n`,
    });
    await cliJson(['handset', 'enroll', '--center', h.center, '--owner', OWNER, '--name', h.name, '--data', h.dir], env);
    await cliJson(['handset', 'settings', '--data', h.dir, '--set', 'triggers.schedule=none'], env);
    await cliJson(['handset', 'import', '--data', h.dir, join(root, `src-${h.name}`)], env);
  }
  const runs = handsets.map((h) => runHandset(t, h.dir, env));
  for (const run of runs) await run.next((e) => e.event === 'connected', 'connected');

  // The same minute for both, ten minutes ahead; the clock stands still until both are set, then moves to that minute.
  const a = await scheduleSoon(env, clock, 'A', ['--retry-interval', '5m', '--answer-timeout', '5m', '--tries', '3'], 10);
  const b = await cliJson<typeof a>(
    [
      'pc',
      'schedule',
      '--handset',
      'B',
      '--daily',
      a.schedule!.every === 'day' ? a.schedule!.at : '',
      '--retry-interval',
      '5m',
      '--answer-timeout',
      '5m',
      '--tries',
      '3',
    ],
    env,
  );
  assert.equal(b.nextRunAt, a.nextRunAt, 'both are due in the same minute');
  shared.set(a.nextRunAt!);

  const committed = await Promise.all(runs.map((run) => run.next((e) => e.event === 'backup-committed', 'backup committed')));
  for (const [i, run] of runs.entries()) {
    const requests = run.events.filter((e): e is Extract<RunEvent, { event: 'backup-start' }> => e.event === 'backup-start');
    assert.equal(requests.length, 1, `${handsets[i]!.name} got exactly one start request: ${JSON.stringify(run.events)}`);
    assert.equal(committed[i]?.event === 'backup-committed' && committed[i].jobId, requests[0]!.jobId);
  }

  const jobs = await pgQuery<{ handset_id: string; status: string; attempt: number }>(
    database.url,
    'SELECT handset_id, status, attempt FROM jobs',
  );
  assert.equal(jobs.length, 2, 'one job per scheduled backup, not one per center');
  assert.deepEqual(
    jobs.map((j) => [j.status, j.attempt]),
    [
      ['done', 1],
      ['done', 1],
    ],
  );
  const backups = await pgQuery<{ n: string }>(database.url, "SELECT count(*) AS n FROM backups WHERE status = 'committed'");
  assert.equal(Number(backups[0]!.n), 2, 'one backup per handset');
  for (const run of runs) assert.equal((await run.stop()).code, 0);
});
