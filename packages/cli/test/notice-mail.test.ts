/**
 * The center's owner notices by mail (issue 13, item 10): two center
 * processes on one PostgreSQL database, both sending through the real test
 * Postfix; each notice arrives in the owner's mailbox exactly once.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cli,
  cliJson,
  mailbox,
  ownerEnv,
  pgDatabase,
  pgQuery,
  settle,
  startCenter,
  storedMails,
  tempDir,
  waitForMail,
} from '@phonesafe/testkit';

test('notices are mailed to the owner exactly once, also with two centers on one PostgreSQL database', { timeout: 120_000 }, async (t) => {
  const database = await pgDatabase(t);
  const sender = await mailbox('center', 'center.test');
  const owners = [];
  for (let i = 0; i < 3; i++) owners.push(await mailbox(`owner${i}`, 'owner.test'));
  const root = await tempDir(t);
  const centerEnv = {
    PHONESAFE_DB: database.url,
    PHONESAFE_SMTP_URL: sender.smtp,
    PHONESAFE_MAIL_FROM: sender.address,
    PHONESAFE_SMTP_PASSWORD: sender.password,
    PHONESAFE_NOTICE_MAIL_INTERVAL_MS: '50',
    PHONESAFE_LOGIN_MAX_TRIES: '2',
  };
  const one = await startCenter(t, join(root, 'center-1'), 0, centerEnv);
  const two = await startCenter(t, join(root, 'center-2'), 0, centerEnv);
  const envOf = (address: string) => ownerEnv(join(root, address), 'the right password', { PHONESAFE_OWNER: address });
  for (const [i, owner] of owners.entries()) {
    await cliJson(
      ['handset', 'enroll', '--center', one.url, '--owner', owner.address, '--name', 'A', '--data', join(root, `h${i}`)],
      envOf(owner.address),
    );
  }
  // Wrong passwords on both centers: each address locks, and its owner is told (login-locked); both centers send.
  for (const center of [one, two, one]) {
    await Promise.all(
      owners.map(async (owner) => {
        const wrong = await cli(['pc', 'backups', '--center', center.url], {
          ...envOf(owner.address),
          PHONESAFE_PASSWORD: 'a wrong password',
        });
        assert.notEqual(wrong.code, 0);
      }),
    );
  }
  const counted = await pgQuery<{ n: string }>(database.url, "SELECT count(*) AS n FROM notices WHERE kind = 'login-locked'");
  const notices = Number(counted[0]!.n);
  assert.ok(notices >= owners.length, `login-locked notices made: ${notices}`);

  const ids = new Set<string>();
  let mailed = 0;
  for (const owner of owners) await waitForMail(owner.address, /^PhoneSafe-Notice: login-locked; id=/m);
  await settle(1500);
  for (const owner of owners) {
    for (const mail of await storedMails(owner.address)) {
      const text = mail.raw.toString('latin1');
      ids.add(/^PhoneSafe-Notice: login-locked; id=(\S+)/m.exec(text)![1]!);
      mailed++;
      assert.match(text, new RegExp(`^From: PhoneSafe <${sender.address}>`, 'm'));
      assert.match(text, new RegExp(`^To: <${owner.address}>`, 'm'));
      assert.match(text, /^Subject: PhoneSafe: logins to your account are locked for a while\r?$/m);
    }
  }
  assert.equal(mailed, notices, 'one mail per notice');
  assert.equal(ids.size, notices, 'none twice');
  const rows = await pgQuery<{ sent: string }>(database.url, 'SELECT count(*) AS sent FROM notice_mail WHERE sent_at IS NOT NULL');
  assert.equal(Number(rows[0]!.sent), notices);
  const printed = await cli(['center', 'config'], { ...centerEnv, PHONESAFE_DATA: join(root, 'center-1') });
  assert.doesNotMatch(printed.stdout + printed.stderr, new RegExp(sender.password));
});
