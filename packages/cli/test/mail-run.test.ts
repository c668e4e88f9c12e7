import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { cliFails, cliJson, runHandset, sharedClock, spawnCli, tempDir, treeDigest, until, writeTree } from '@phonesafe/testkit';
import { mailPair } from './helpers/mail-pair.ts';

type Row = { nextRunAt: string | null; lastResult?: string; restore?: string };
type Event = { event: string; op?: string; code?: string; status?: string; files?: number; restored?: number };
const HOUR = 3600_000;

test('pc mail-run sends a scheduled backup instruction at its slot and records the answer; a scheduled restore needs --allow-restore and then runs once at its slot (M5, FIG 12)', async (t) => {
  const clock = await sharedClock(t);
  const pair = await mailPair(t);
  const [pcEnv, hsEnv] = [
    { ...pair.pcEnv, PHONESAFE_CLOCK: clock.spec },
    { ...pair.hsEnv, PHONESAFE_CLOCK: clock.spec },
  ];
  const src = await tempDir(t, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'BEGIN:VCARD\nFN:A\nEND:VCARD\n', 'notes/n.txt': 'x\n' });
  await cliJson(['handset', 'import', '--data', pair.handsetDir, src], {});
  runHandset(t, pair.handsetDir, hsEnv, ['--mail-interval', '100', '--overwrite', 'yes']);
  const at = (hours: number) => new Date(clock.clock.now().getTime() + hours * HOUR).toISOString();
  const slot = at(1);
  const set = await cliJson<{ entries: Row[] }>(
    ['pc', 'mail-schedule', '--handset', pair.name, '--once', slot, '--kinds', 'contacts'],
    pcEnv,
  );
  assert.equal(set.entries[0]?.nextRunAt, slot);

  const run = spawnCli(['pc', 'mail-run', '--interval', '100', '--json'], pcEnv);
  t.after(() => run.kill('SIGKILL'));
  const events: Event[] = [];
  createInterface({ input: run.stdout! }).on('line', (line) => events.push(JSON.parse(line) as Event));
  const sent = (op: string) => events.filter((e) => e.event === 'instruction-sent' && e.op === op).length;
  clock.set(slot);
  const answer = await until(() => events.find((e) => e.event === 'answer'), 'the scheduled backup answered', 60_000);
  assert.deepEqual([answer.status, answer.files], ['ok', 1]);
  assert.equal(sent('backup'), 1);
  const table = await cliJson<{ entries: Row[] }>(['pc', 'mail-schedule'], pcEnv);
  assert.deepEqual([table.entries[0]?.nextRunAt, table.entries[0]?.lastResult], [null, 'ok']);
  const { backups } = await cliJson<{ backups: Array<{ id: string }> }>(['pc', 'mail-backups'], pcEnv);
  assert.equal(backups.length, 1);
  const before = await tempDir(t, 'before');
  await cliJson(['handset', 'export', '--data', pair.handsetDir, before], {});

  // The handset's contact changes; a restore of the backup is scheduled an hour on, refused without the explicit flag.
  const changed = await tempDir(t, 'changed');
  await writeTree(changed, { 'contacts/a.vcf': 'BEGIN:VCARD\nFN:Someone Else\nEND:VCARD\n' });
  await cliJson(['handset', 'import', '--data', pair.handsetDir, changed], {});
  const restoreAt = at(1);
  const restoreRow = ['pc', 'mail-schedule', '--handset', pair.name, '--once', restoreAt, '--restore', backups[0]!.id];
  const refused = await cliFails(restoreRow, pcEnv, 2, 'USAGE');
  assert.match(refused.stderr, /--allow-restore/);
  assert.equal((await cliJson<{ entries: Row[] }>(['pc', 'mail-schedule'], pcEnv)).entries.length, 1, 'nothing scheduled');
  const allowed = await cliJson<{ entries: Row[] }>([...restoreRow, '--allow-restore'], pcEnv);
  assert.deepEqual(
    allowed.entries.map((e) => [e.restore ?? 'backup', e.nextRunAt]),
    [
      ['backup', null],
      [backups[0]!.id, restoreAt],
    ],
  );
  assert.equal(sent('restore'), 0, 'not before its slot');
  clock.set(restoreAt);
  const done = await until(
    () => events.find((e) => e.event === 'answer' && e.code === 'restore-complete'),
    'the restore completed',
    60_000,
  );
  assert.deepEqual([done.status, done.restored], ['ok', 1]);
  clock.advance(24 * HOUR);
  const after = await tempDir(t, 'after');
  await cliJson(['handset', 'export', '--data', pair.handsetDir, after], {});
  assert.deepEqual(await treeDigest(after), await treeDigest(before), 'the handset holds the backup again');
  const rows = (await cliJson<{ entries: Row[] }>(['pc', 'mail-schedule', '--handset', pair.name], pcEnv)).entries;
  assert.deepEqual(
    rows.map((e) => [e.restore ?? 'backup', e.nextRunAt, e.lastResult]),
    [
      ['backup', null, 'ok'],
      [backups[0]!.id, null, 'ok'],
    ],
  );
  assert.equal(sent('restore'), 1, 'run once');
});
