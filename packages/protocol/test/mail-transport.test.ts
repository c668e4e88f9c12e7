import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeMail, deriveMailKeys, EMPTY_WINDOW, newPairingSecret, verifyMail } from '@phonesafe/protocol/node';
import { openImapMailbox, smtpSender } from '@phonesafe/protocol/mail-transport';
import { PhoneSafeError } from '@phonesafe/protocol';
import { mailbox, storedMails, until, waitForMail } from '@phonesafe/testkit';

test('a composed mail goes through Postfix and Dovecot unchanged enough to verify; only MB- mails are listed', async () => {
  const [pc, phone] = [await mailbox('pc', 'pc.test'), await mailbox('phone', 'phone.test')];
  const keys = deriveMailKeys(newPairingSecret());
  const now = new Date();
  const { raw } = composeMail({
    keys,
    role: 'pc',
    code: 'backup',
    seq: 1,
    now,
    from: pc.address,
    to: phone.address,
    subject: 'PhoneSafe backup instruction',
    group: 'g',
    part: { index: 1, count: 1 },
    payload: Buffer.from('payload'),
  });
  const sender = smtpSender(pc);
  await sender.send({ raw, to: phone.address });
  await sender.send({
    raw: Buffer.from(`From: <${pc.address}>\r\nTo: <${phone.address}>\r\nSubject: hello\r\n\r\nplain mail\r\n`),
    to: phone.address,
  });
  sender.close();
  await waitForMail(phone.address, /plain mail/);
  const box = await openImapMailbox(phone);
  try {
    const pending = await until(async () => ((await box.pending()).length === 1 ? box.pending() : undefined), 'the MB- mail listed');
    const fetched = await box.fetch(pending[0]!.uid);
    const verdict = verifyMail(fetched, {
      keys,
      sender: 'pc',
      senderAddress: pc.address,
      codes: ['backup'],
      now,
      maxAgeSeconds: () => 3600,
      window: EMPTY_WINDOW,
      nonceSeen: () => false,
    });
    assert.ok(verdict.ok, 'verifies after the trip');
    await box.file(pending[0]!.uid, 'processed');
    assert.deepEqual(await box.pending(), []);
  } finally {
    await box.close();
  }
  const files = (await storedMails(phone.address)).map((m) => m.file);
  assert.equal(files.length, 2);
  assert.ok(
    files.some((f) => f.includes('PhoneSafe-Processed')),
    'filed out of the inbox',
  );
});

test('a wrong password and an unknown domain are refused for good', async () => {
  const pc = await mailbox('pc', 'pc.test');
  const bad = smtpSender({ ...pc, password: 'wrong' });
  await assert.rejects(
    bad.send({ raw: Buffer.from('Subject: x\r\n\r\nx'), to: pc.address }),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'MAIL_REJECTED',
  );
  bad.close();
  const good = smtpSender(pc);
  await assert.rejects(
    good.send({ raw: Buffer.from('Subject: x\r\n\r\nx'), to: 'someone@example.com' }),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'MAIL_REJECTED',
  );
  good.close();
  await assert.rejects(openImapMailbox({ ...pc, password: 'wrong' }), (e: unknown) => e instanceof PhoneSafeError);
});
