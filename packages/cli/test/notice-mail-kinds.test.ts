/**
 * Issue 13: a center notice other than login-locked — the rescue desk's
 * control-number notice (rescue-saved), and its erase notice — arrives in the owner's mailbox
 * exactly once with two center processes on one PostgreSQL database, both
 * running their notice-mail dispatcher. Its mail tells the owner where the
 * control number is shown, and never carries the code number, the control
 * number (the center keeps it sealed) or the owner's password.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RescueStatusResult, RescueViewResult } from '@phonesafe/pc';
import {
  cliJson,
  mailbox,
  OWNER_PASSWORD,
  ownerEnv,
  pgDatabase,
  pgQuery,
  sendRawMail,
  startCenter,
  storedMails,
  tempDir,
  until,
  waitForMail,
  writeTree,
} from '@phonesafe/testkit';
import { runHandset } from './helpers/live.ts';

const PHONE = '+819087654321';
const CODE = '58225822';
const digits = (s: string) => s.replace(/[^0-9]/g, '');

/** The mail's text part (base64 in the raw message). */
function bodyOf(raw: string): string {
  const body = raw.slice(raw.search(/\r?\n\r?\n/)).replace(/\s+/g, '');
  return Buffer.from(body, 'base64').toString('utf8');
}

test(
  'a rescue control-number notice is mailed to the owner exactly once, with two centers on one PostgreSQL database',
  { timeout: 180_000 },
  async (t) => {
    const database = await pgDatabase(t);
    const sender = await mailbox('center', 'center.test');
    const owner = await mailbox('rescued', 'owner.test');
    const root = await tempDir(t);
    const centerEnv = {
      PHONESAFE_DB: database.url,
      PHONESAFE_SMTP_URL: sender.smtp,
      PHONESAFE_MAIL_FROM: sender.address,
      PHONESAFE_SMTP_PASSWORD: sender.password,
      PHONESAFE_NOTICE_MAIL_INTERVAL_MS: '50',
    };
    const one = await startCenter(t, join(root, 'center-1'), 0, centerEnv);
    const two = await startCenter(t, join(root, 'center-2'), 0, centerEnv);
    const env = ownerEnv(join(root, 'owner'), OWNER_PASSWORD, { PHONESAFE_CENTER: one.url, PHONESAFE_OWNER: owner.address });
    const a = join(root, 'handset-a');
    await cliJson(
      ['handset', 'enroll', '--center', one.url, '--owner', owner.address, '--name', 'A', '--data', a, '--phone', PHONE, '--code', CODE],
      env,
    );
    const src = join(root, 'src');
    await writeTree(src, {
      'contacts/alice.vcf': 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alice\r\nEND:VCARD\r\n',
      'notes/todo.txt': 'buy milk\n',
    });
    await cliJson(['handset', 'import', '--data', a, src], env);

    // The lost handset is live on center 1; the desk is used without the owner's password.
    const run = runHandset(t, a, env);
    await run.next((e) => e.event === 'connected', 'A connected');
    const { PHONESAFE_PASSWORD: _password, PHONESAFE_OWNER: _owner, ...desk } = env;
    const view = await cliJson<RescueViewResult>(['pc', 'rescue', '--center', one.url, '--phone', PHONE, '--code', CODE], desk);
    await run.next((e) => e.event === 'rescue-saved', 'the rescue save');
    await run.next((e) => e.event === 'rescue-erased', 'the rescue erase');
    // The control number, as the desk shows it (asked on the other center: one database).
    const status = await until(
      async () => {
        const s = await cliJson<RescueStatusResult>(['pc', 'rescue-status', '--center', two.url, '--phone', PHONE, '--code', CODE], desk);
        return s.rescues[0]?.controlNumber ? s : undefined;
      },
      'the control number',
      60_000,
    );
    assert.equal(status.rescues[0]!.reference, view.reference);
    const control = digits(status.rescues[0]!.controlNumber!);
    assert.match(control, /^[0-9]{16}$/);

    // The rescue tells the owner twice: saved (where the control number is shown), then erased.
    const kinds = ['rescue-saved', 'rescue-erased'];
    const made = await pgQuery<{ kind: string }>(database.url, 'SELECT kind FROM notices ORDER BY at');
    assert.deepEqual(
      made.map((n) => n.kind),
      kinds,
      'one notice of each kind',
    );
    // Both dispatchers look at the outbox until every row is sent.
    await until(
      async () => {
        const rows = await pgQuery<{ n: string }>(database.url, 'SELECT count(*) AS n FROM notice_mail WHERE sent_at IS NOT NULL');
        return Number(rows[0]!.n) === kinds.length || undefined;
      },
      'the notice mails sent',
      30_000,
    );
    for (const kind of kinds) await waitForMail(owner.address, new RegExp(`^PhoneSafe-Notice: ${kind}; id=`, 'm'));
    // A barrier: a later mail through the same server has arrived, so a second copy would have too.
    await sendRawMail(
      sender,
      owner.address,
      Buffer.from(`From: <${sender.address}>\r\nTo: <${owner.address}>\r\nSubject: barrier\r\n\r\nbarrier\r\n`),
    );
    await waitForMail(owner.address, /^Subject: barrier\r?$/m);

    const mails = (await storedMails(owner.address)).map((m) => m.raw.toString('latin1')).filter((raw) => /^PhoneSafe-Notice:/m.test(raw));
    const ids = mails.map((raw) => /^PhoneSafe-Notice: (\S+); id=(\S+)\r?$/m.exec(raw)!.slice(1).join(' '));
    assert.equal(new Set(ids).size, ids.length, `no notice twice: ${ids.join(', ')}`);
    assert.deepEqual(ids.map((id) => id.split(' ')[0]).sort(), [...kinds].sort(), 'each notice mailed exactly once');
    const mailOf = (kind: string) => {
      const raw = mails.find((m) => m.includes(`PhoneSafe-Notice: ${kind};`))!;
      assert.match(raw, new RegExp(`^From: PhoneSafe <${sender.address}>`, 'm'));
      assert.match(raw, new RegExp(`^To: <${owner.address}>`, 'm'));
      const subject = /^Subject: (.*?)\r?$/m.exec(raw)![1]!;
      // A subject for people, not the bare kind, and promising nothing the body does not hold.
      assert.doesNotMatch(subject, new RegExp(`${kind}|inside`), subject);
      return { subject, body: bodyOf(raw) };
    };
    const saved = mailOf('rescue-saved');
    const erased = mailOf('rescue-erased');
    // What the owner needs: which handset, and where its control number is shown.
    assert.ok(saved.body.includes(PHONE) && erased.body.includes(PHONE), saved.body + erased.body);
    assert.match(saved.body, /control number/);
    assert.match(saved.body, /phonesafe pc rescue-status/);
    // Never a secret: not the code number, not the control number, not the owner's password.
    for (const text of [saved.subject, saved.body, erased.subject, erased.body]) {
      assert.ok(!digits(text).includes(CODE), `no code number: ${text}`);
      assert.ok(!digits(text).includes(control), `no control number: ${text}`);
      assert.ok(!text.includes(OWNER_PASSWORD), `no password: ${text}`);
    }
    await run.stop();
  },
);
