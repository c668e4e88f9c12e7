import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cliFails, cliJson, runHandset, tempDir, writeTree } from '@phonesafe/testkit';
import { mailPair } from './helpers/mail-pair.ts';

test('more data than one answer may carry: a small signed "too-large" answer, the pc says what to change, and a smaller ask works', async (t) => {
  const pair = await mailPair(t, { maxBundle: 8192 });
  const src = await tempDir(t, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'BEGIN:VCARD\nFN:A\nEND:VCARD\n', 'photos/p.jpg': randomBytes(20_000) });
  await cliJson(['handset', 'import', '--data', pair.handsetDir, src], {});
  runHandset(t, pair.handsetDir, pair.hsEnv, ['--mail-interval', '100']);
  const failed = await cliFails(['pc', 'mail-backup', '--handset', pair.name, '--wait', '60'], pair.pcEnv, 5, 'MAIL_TOO_LARGE');
  assert.match(failed.stderr, /--kinds/);
  const small = await cliJson<{ status: string; files: number }>(
    ['pc', 'mail-backup', '--handset', pair.name, '--kinds', 'contacts', '--wait', '60'],
    pair.pcEnv,
  );
  assert.deepEqual([small.status, small.files], ['ok', 1]);
});

test('an answer larger than the mail server accepts (552): the handset sends a small signed "too-large" answer instead', async (t) => {
  // The test server takes 50 MB; this handset may put 60 MiB in one mail, and has 40 MB of incompressible data.
  const pair = await mailPair(t, { maxMailPayload: 60 * 1024 * 1024 });
  const src = await tempDir(t, 'src');
  await writeTree(src, { 'photos/big.jpg': randomBytes(40 * 1024 * 1024) });
  await cliJson(['handset', 'import', '--data', pair.handsetDir, src], {});
  await cliJson(['pc', 'mail-backup', '--handset', pair.name, '--wait', '0'], pair.pcEnv);
  const poll = await cliJson<{ accepted: unknown[]; unsent: number }>(['handset', 'mail-poll', '--data', pair.handsetDir], pair.hsEnv);
  assert.equal(poll.accepted.length, 1);
  assert.equal(poll.unsent, 0);
  const fetched = await cliJson<{ answers: Array<{ status: string; detail?: string }>; recorded: unknown[] }>(
    ['pc', 'mail-fetch'],
    pair.pcEnv,
  );
  assert.deepEqual(fetched.recorded, []);
  assert.equal(fetched.answers[0]?.status, 'too-large');
  assert.match(fetched.answers[0]?.detail ?? '', /--max-mail-payload/);
  const log = await cliJson<{ entries: Array<{ outcome: string; detail?: string }> }>(
    ['handset', 'mail-log', '--data', pair.handsetDir],
    {},
  );
  assert.ok(log.entries.some((e) => e.outcome === 'not sent' && /MAIL_TOO_LARGE/.test(e.detail ?? '')));
});
