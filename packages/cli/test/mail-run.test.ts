import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { cliJson, runHandset, spawnCli, tempDir, until, writeTree } from '@phonesafe/testkit';
import { mailPair } from './helpers/mail-pair.ts';

test('pc mail-run sends a scheduled backup instruction when due and records the answer (M5, FIG 12)', async (t) => {
  const pair = await mailPair(t);
  const src = await tempDir(t, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'BEGIN:VCARD\nFN:A\nEND:VCARD\n', 'notes/n.txt': 'x\n' });
  await cliJson(['handset', 'import', '--data', pair.handsetDir, src], {});
  runHandset(t, pair.handsetDir, pair.hsEnv, ['--mail-interval', '100']);
  const when = new Date(Date.now() + 8000).toISOString();
  const set = await cliJson<{ entries: Array<{ nextRunAt: string }> }>(
    ['pc', 'mail-schedule', '--handset', pair.name, '--once', when, '--kinds', 'contacts'],
    pair.pcEnv,
  );
  assert.equal(set.entries[0]?.nextRunAt, when);

  const run = spawnCli(['pc', 'mail-run', '--interval', '100', '--json'], pair.pcEnv);
  t.after(() => run.kill('SIGKILL'));
  const events: Array<{ event: string; status?: string; files?: number }> = [];
  createInterface({ input: run.stdout! }).on('line', (line) => events.push(JSON.parse(line) as (typeof events)[number]));
  const answer = await until(() => events.find((e) => e.event === 'answer'), 'the scheduled backup answered', 60_000);
  assert.deepEqual([answer.status, answer.files], ['ok', 1]);
  assert.equal(events.filter((e) => e.event === 'instruction-sent').length, 1);
  const table = await cliJson<{ entries: Array<{ nextRunAt: string | null; lastResult?: string }> }>(['pc', 'mail-schedule'], pair.pcEnv);
  assert.deepEqual([table.entries[0]?.nextRunAt, table.entries[0]?.lastResult], [null, 'ok']);
  assert.equal((await cliJson<{ backups: unknown[] }>(['pc', 'mail-backups'], pair.pcEnv)).backups.length, 1);
});
