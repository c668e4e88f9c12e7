import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { cliJson, mailsMatching, runHandset, sharedClock, storedMails, tempDir, until, waitForMail, writeTree } from '@phonesafe/testkit';
import { mailPair } from './helpers/mail-pair.ts';

type Poll = { accepted: Array<{ code: string }>; unsent: number; sent: number };
type Fetch = { recorded: Array<{ id: string }>; incomplete: Array<{ missing: number[]; of: number }> };
const NOTICE = /^MB-Direction-Code: notice\r?$/m;
const ANSWER = /^MB-Direction-Code: backup-response\r?$/m;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A plain TCP relay to the real submission port: "the mail server" as the handset sees it, switched on later. */
async function relay(port: number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = createConnection(587, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function smallHandset(t: Parameters<typeof mailPair>[0], dir: string, bytes: number): Promise<void> {
  const src = await tempDir(t, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'BEGIN:VCARD\nFN:A\nEND:VCARD\n', 'photos/p.jpg': randomBytes(bytes) });
  await cliJson(['handset', 'import', '--data', dir, src], {});
}

test('the mail server is down when the handset answers: the answer waits in its outbox, goes out later, and the pc records it exactly once', async (t) => {
  const port = await freePort();
  const pair = await mailPair(t, { handsetSmtp: `smtp://127.0.0.1:${port}` });
  await smallHandset(t, pair.handsetDir, 10_000);
  const poll = () => cliJson<Poll>(['handset', 'mail-poll', '--data', pair.handsetDir], pair.hsEnv);
  await cliJson(['pc', 'mail-backup', '--handset', pair.name, '--wait', '0'], pair.pcEnv);
  const down = await poll();
  assert.deepEqual(
    down.accepted.map((a) => a.code),
    ['backup'],
  );
  assert.ok(down.unsent >= 1, 'the answer (and the notice) wait in the outbox');
  assert.deepEqual((await cliJson<Fetch>(['pc', 'mail-fetch'], pair.pcEnv)).recorded, []);

  const server = await relay(port);
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const up = await poll();
  assert.equal(up.unsent, 0);
  assert.ok(up.sent >= 2, 'answer and notice sent');
  assert.deepEqual(up.accepted, [], 'the instruction is not done twice');
  await waitForMail(pair.pc.address, ANSWER);
  assert.equal((await cliJson<Fetch>(['pc', 'mail-fetch'], pair.pcEnv)).recorded.length, 1);
  await poll();
  await cliJson<Fetch>(['pc', 'mail-fetch'], pair.pcEnv);
  const listed = await cliJson<{ backups: unknown[] }>(['pc', 'mail-backups'], pair.pcEnv);
  assert.equal(listed.backups.length, 1, 'recorded exactly once');
});

test('a multi-mail answer with a part missing, or with a part altered on the server, is not recorded: the pc names the part, and the next genuine backup is recorded', async (t) => {
  const pair = await mailPair(t, { maxMailPayload: 4096 });
  await smallHandset(t, pair.handsetDir, 18_000);
  await cliJson(['pc', 'mail-backup', '--handset', pair.name, '--wait', '0'], pair.pcEnv);
  await cliJson(['handset', 'mail-poll', '--data', pair.handsetDir], pair.hsEnv);
  const parts = await waitForMail(pair.pc.address, ANSWER, 5);
  const second = parts.find((m) => /^Subject: .*\(2\/\d+\)\r?$/m.test(m.raw.toString('latin1')))!;
  const count = Number(/\(2\/(\d+)\)/.exec(second.raw.toString('latin1'))![1]);
  assert.equal(parts.length, count);
  await rm(second.file);
  const fetched = await cliJson<Fetch>(['pc', 'mail-fetch'], pair.pcEnv);
  assert.deepEqual(fetched.recorded, []);
  assert.deepEqual(fetched.incomplete, [
    { handset: pair.name, re: (fetched.incomplete[0] as { re: string } | undefined)?.re, missing: [2], of: count },
  ]);
  assert.deepEqual((await cliJson<{ backups: unknown[] }>(['pc', 'mail-backups'], pair.pcEnv)).backups, []);

  // Next, one part's body is altered on the server (same size, one base64 letter): refused and named; then a genuine backup works.
  await cliJson(['pc', 'mail-backup', '--handset', pair.name, '--wait', '0'], pair.pcEnv);
  await cliJson(['handset', 'mail-poll', '--data', pair.handsetDir], pair.hsEnv);
  const inbox = () =>
    until(
      async () => {
        const mails = await unread(pair.pc.address);
        return mails.length === count ? mails : undefined;
      },
      'the answer in the inbox',
      15_000,
    );
  const third = (await inbox()).find((m) => /^Subject: .*\(3\/\d+\)\r?$/m.test(m.raw.toString('latin1')))!;
  await writeFile(third.file, alterBase64(third.raw));
  const altered = await cliJson<Fetch & { refused: Array<{ reason: string; detail: string }> }>(['pc', 'mail-fetch'], pair.pcEnv);
  assert.deepEqual(altered.recorded, []);
  assert.deepEqual(
    altered.refused.map((r) => [r.reason, r.detail]),
    [['altered', `part 3 of ${count}: the body does not match its signed hash`]],
  );
  assert.deepEqual(altered.incomplete.map((i) => i.missing).sort(), [[2], [3]]);
  await cliJson(['pc', 'mail-backup', '--handset', pair.name, '--wait', '0'], pair.pcEnv);
  await cliJson(['handset', 'mail-poll', '--data', pair.handsetDir], pair.hsEnv);
  await inbox();
  const genuine = await cliJson<Fetch>(['pc', 'mail-fetch'], pair.pcEnv);
  assert.equal(genuine.recorded.length, 1, 'the next genuine backup is recorded');
  assert.equal((await cliJson<{ backups: unknown[] }>(['pc', 'mail-backups'], pair.pcEnv)).backups.length, 1);
});

/** Answers in the inbox proper, not yet filed by the pc into its processed or refused folders. */
async function unread(address: string): Promise<Awaited<ReturnType<typeof storedMails>>> {
  return (await mailsMatching(address, ANSWER)).filter((m) => !m.file.includes('/Maildir/.'));
}

/** The mail with one letter of its longest base64 line changed: the same size, a different body. */
function alterBase64(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const line = [...text.matchAll(/^[A-Za-z0-9+/]{60,}\r?$/gm)].at(-2)!;
  const at = line.index + 10;
  return Buffer.from(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1), 'latin1');
}

test('with batching on, the owner gets one notice for every N accepted instructions, or one every T by the clock of handset run', async (t) => {
  const pair = await mailPair(t, { notifyEvery: 2 });
  await smallHandset(t, pair.handsetDir, 1000);
  for (let i = 0; i < 2; i++) {
    await cliJson(['pc', 'mail-backup', '--handset', pair.name, '--wait', '0'], pair.pcEnv);
    await cliJson(['handset', 'mail-poll', '--data', pair.handsetDir], pair.hsEnv);
    if (i === 0) assert.equal((await storedMails(pair.owner.address)).length, 0, 'no notice after the first');
  }
  const [notice] = await waitForMail(pair.owner.address, NOTICE);
  const text = notice!.raw.toString('latin1');
  assert.equal(text.match(/^- accepted backup instruction/gm)?.length, 2, 'one batch naming both');
  assert.equal((await storedMails(pair.owner.address)).length, 1);

  // Every T (1 h): pc and handset on one clock the test moves; the answers go out at once, the batch when the oldest is 1 h old.
  const clock = await sharedClock(t);
  const timed = await mailPair(t, { notifyInterval: '1h' });
  const [pcEnv, hsEnv] = [
    { ...timed.pcEnv, PHONESAFE_CLOCK: clock.spec },
    { ...timed.hsEnv, PHONESAFE_CLOCK: clock.spec },
  ];
  await smallHandset(t, timed.handsetDir, 1000);
  const run = runHandset<{ event: string }>(t, timed.handsetDir, hsEnv, ['--mail-interval', '100']);
  for (let i = 0; i < 2; i++) {
    const answer = await cliJson<{ status: string }>(['pc', 'mail-backup', '--handset', timed.name, '--wait', '60'], pcEnv);
    assert.equal(answer.status, 'ok');
    clock.advance(25 * 60_000);
  }
  assert.equal((await storedMails(timed.owner.address)).length, 0, 'no notice before the oldest is 1 h old');
  clock.advance(10 * 60_000);
  const [batch] = await waitForMail(timed.owner.address, NOTICE);
  assert.equal(batch!.raw.toString('latin1').match(/^- accepted backup instruction/gm)?.length, 2, 'one batch naming both');
  await run.stop();
  assert.equal((await storedMails(timed.owner.address)).length, 1);
});
