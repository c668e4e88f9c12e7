/**
 * Issue 13: center notices other than login-locked arrive in the owner's
 * mailbox exactly once with two center processes on one PostgreSQL database,
 * both running their notice-mail dispatcher: (a) a rescue's control-number
 * notice (rescue-saved) and its erase notice, (b) a scheduled backup's
 * give-up after N NG answers (backup-failed). The mails tell the owner what
 * happened and where to look, and never carry the code number, the control
 * number (the center keeps it sealed) or the owner's password.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { RescueStatusResult, RescueViewResult } from '@phonesafe/pc';
import {
  type CenterProcess,
  cliJson,
  type Env,
  mailbox,
  OWNER_PASSWORD,
  ownerEnv,
  pgDatabase,
  pgQuery,
  scaledClock,
  sendRawMail,
  startCenter,
  storedMails,
  tempDir,
  type TestMailbox,
  until,
  waitForMail,
  writeTree,
} from '@phonesafe/testkit';
import { runHandset, scheduleSoon } from './helpers/live.ts';

const PHONE = '+819087654321';
const CODE = '58225822';
const digits = (s: string) => s.replace(/[^0-9]/g, '');

interface World {
  databaseUrl: string;
  sender: TestMailbox;
  owner: TestMailbox;
  root: string;
  one: CenterProcess;
  two: CenterProcess;
  /** The owner's env against center 1. */
  env: Env;
  /** Handset A, enrolled on center 1, holding two small files. */
  a: string;
}

async function world(t: TestContext, extra: Env = {}, enrollArgs: string[] = []): Promise<World> {
  const database = await pgDatabase(t);
  const sender = await mailbox('center', 'center.test');
  const owner = await mailbox('owner', 'owner.test');
  const root = await tempDir(t);
  const centerEnv = {
    PHONESAFE_DB: database.url,
    PHONESAFE_SMTP_URL: sender.smtp,
    PHONESAFE_MAIL_FROM: sender.address,
    PHONESAFE_SMTP_PASSWORD: sender.password,
    PHONESAFE_NOTICE_MAIL_INTERVAL_MS: '50',
    ...extra,
  };
  const one = await startCenter(t, join(root, 'center-1'), 0, centerEnv);
  const two = await startCenter(t, join(root, 'center-2'), 0, centerEnv);
  const env = ownerEnv(join(root, 'owner'), OWNER_PASSWORD, { PHONESAFE_CENTER: one.url, PHONESAFE_OWNER: owner.address, ...extra });
  const a = join(root, 'handset-a');
  await cliJson(['handset', 'enroll', '--center', one.url, '--owner', owner.address, '--name', 'A', '--data', a, ...enrollArgs], env);
  const src = join(root, 'src');
  await writeTree(src, {
    'contacts/alice.vcf': 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alice\r\nEND:VCARD\r\n',
    'notes/todo.txt': 'buy milk\n',
  });
  await cliJson(['handset', 'import', '--data', a, src], env);
  return { databaseUrl: database.url, sender, owner, root, one, two, env, a };
}

interface NoticeMail {
  subject: string;
  body: string;
}

/** The mail's text part (base64 in the raw message). */
function bodyOf(raw: string): string {
  const body = raw.slice(raw.search(/\r?\n\r?\n/)).replace(/\s+/g, '');
  return Buffer.from(body, 'base64').toString('utf8');
}

/**
 * Waits until the center made exactly `kinds` as notices and sent every queued
 * mail, then checks that each arrived in the owner's mailbox exactly once.
 */
async function mailedOnce(w: World, kinds: string[]): Promise<Map<string, NoticeMail>> {
  const made = await until(
    async () => {
      const rows = await pgQuery<{ kind: string }>(w.databaseUrl, 'SELECT kind FROM notices ORDER BY at');
      return rows.length >= kinds.length ? rows : undefined;
    },
    `notices ${kinds.join(', ')}`,
    30_000,
  );
  assert.deepEqual(
    made.map((n) => n.kind),
    kinds,
    'one notice of each kind',
  );
  // Both dispatchers look at the outbox until every row is sent.
  await until(
    async () => {
      const rows = await pgQuery<{ n: string }>(w.databaseUrl, 'SELECT count(*) AS n FROM notice_mail WHERE sent_at IS NOT NULL');
      return Number(rows[0]!.n) === kinds.length || undefined;
    },
    'the notice mails sent',
    30_000,
  );
  for (const kind of kinds) await waitForMail(w.owner.address, new RegExp(`^PhoneSafe-Notice: ${kind}; id=`, 'm'));
  // A barrier: a later mail through the same server has arrived, so a second copy would have too.
  const barrier = `From: <${w.sender.address}>\r\nTo: <${w.owner.address}>\r\nSubject: barrier\r\n\r\nbarrier\r\n`;
  await sendRawMail(w.sender, w.owner.address, Buffer.from(barrier));
  await waitForMail(w.owner.address, /^Subject: barrier\r?$/m);

  const mails = (await storedMails(w.owner.address)).map((m) => m.raw.toString('latin1')).filter((raw) => /^PhoneSafe-Notice:/m.test(raw));
  const ids = mails.map((raw) => /^PhoneSafe-Notice: (\S+); id=(\S+)\r?$/m.exec(raw)!.slice(1).join(' '));
  assert.equal(new Set(ids).size, ids.length, `no notice twice: ${ids.join(', ')}`);
  assert.deepEqual(ids.map((id) => id.split(' ')[0]).sort(), [...kinds].sort(), 'each notice mailed exactly once');
  const byKind = new Map<string, NoticeMail>();
  for (const raw of mails) {
    const kind = /^PhoneSafe-Notice: (\S+);/m.exec(raw)![1]!;
    assert.match(raw, new RegExp(`^From: PhoneSafe <${w.sender.address}>`, 'm'));
    assert.match(raw, new RegExp(`^To: <${w.owner.address}>`, 'm'));
    const subject = /^Subject: (.*?)\r?$/m.exec(raw)![1]!;
    // A subject for people, not the bare kind, and promising nothing the body does not hold.
    assert.doesNotMatch(subject, new RegExp(`${kind}|inside`), subject);
    const body = bodyOf(raw);
    assert.ok(!`${subject}\n${body}`.includes(OWNER_PASSWORD), `no password: ${subject} ${body}`);
    byKind.set(kind, { subject, body });
  }
  return byKind;
}

test(
  'a rescue control-number notice is mailed to the owner exactly once, with two centers on one PostgreSQL database',
  { timeout: 180_000 },
  async (t) => {
    const w = await world(t, {}, ['--phone', PHONE, '--code', CODE]);
    // The lost handset is live on center 1; the desk is used without the owner's password.
    const run = runHandset(t, w.a, w.env);
    await run.next((e) => e.event === 'connected', 'A connected');
    const { PHONESAFE_PASSWORD: _password, PHONESAFE_OWNER: _owner, ...desk } = w.env;
    const view = await cliJson<RescueViewResult>(['pc', 'rescue', '--center', w.one.url, '--phone', PHONE, '--code', CODE], desk);
    await run.next((e) => e.event === 'rescue-saved', 'the rescue save');
    await run.next((e) => e.event === 'rescue-erased', 'the rescue erase');
    // The control number, as the desk shows it (asked on the other center: one database).
    const status = await until(
      async () => {
        const s = await cliJson<RescueStatusResult>(['pc', 'rescue-status', '--center', w.two.url, '--phone', PHONE, '--code', CODE], desk);
        return s.rescues[0]?.controlNumber ? s : undefined;
      },
      'the control number',
      60_000,
    );
    assert.equal(status.rescues[0]!.reference, view.reference);
    const control = digits(status.rescues[0]!.controlNumber!);
    assert.match(control, /^[0-9]{16}$/);

    // The rescue tells the owner twice: saved (where the control number is shown), then erased.
    const mails = await mailedOnce(w, ['rescue-saved', 'rescue-erased']);
    const saved = mails.get('rescue-saved')!;
    const erased = mails.get('rescue-erased')!;
    // What the owner needs: which handset, and where its control number is shown.
    assert.ok(saved.body.includes(PHONE) && erased.body.includes(PHONE), saved.body + erased.body);
    assert.match(saved.body, /control number/);
    assert.match(saved.body, /phonesafe pc rescue-status/);
    // Never a secret: not the code number, not the control number.
    for (const text of [saved.subject, saved.body, erased.subject, erased.body]) {
      assert.ok(!digits(text).includes(CODE), `no code number: ${text}`);
      assert.ok(!digits(text).includes(control), `no control number: ${text}`);
    }
    await run.stop();
  },
);

test(
  'a scheduled backup given up after N NG answers is mailed to the owner exactly once, with two centers on one PostgreSQL database',
  { timeout: 180_000 },
  async (t) => {
    // 60 virtual seconds per real second on both centers and the tools: the scheduler's tick is one virtual minute.
    const { spec, clock } = scaledClock(60);
    const w = await world(t, { PHONESAFE_CLOCK: spec });
    await cliJson(['handset', 'settings', '--data', w.a, '--set', 'triggers.schedule=none'], w.env);
    const run = runHandset(t, w.a, w.env);
    await run.next((e) => e.event === 'connected', 'A connected');
    // The owner is operating A: every start request is answered NG, and the center gives up after 2 tries.
    await cliJson(['handset', 'busy', '--data', w.a, '--for', '1d'], w.env);
    await scheduleSoon(w.env, clock, 'A', ['--retry-interval', '2m', '--answer-timeout', '2m', '--tries', '2']);
    const first = await run.next((e) => e.event === 'answered', 'a first answer');
    const second = await run.next((e) => e.event === 'answered' && e !== first, 'a second answer');
    for (const answer of [first, second]) assert.ok(answer.event === 'answered' && answer.answer === 'NG', JSON.stringify(answer));

    const mails = await mailedOnce(w, ['backup-failed']);
    const failed = mails.get('backup-failed')!;
    assert.match(failed.subject, /a backup could not be made/);
    // What the owner needs: which handset, how many tries, and why.
    assert.match(failed.body, /handset A did not back up after 2 tries \(operating, operating\)/);
    const stopped = await run.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
  },
);
