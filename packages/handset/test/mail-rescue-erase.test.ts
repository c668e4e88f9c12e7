/**
 * M7: after the rescue desk erases a lost handset, it also forgets its mail
 * pairing and says so, signed, to the pc and the owner. A real center behind
 * the rescue proxy (rescue-peer.ts) and the real test mail system.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deriveMailKeys, EMPTY_WINDOW, newPairingSecret, verifyMail } from '@phonesafe/protocol/node';
import { mailbox, waitForMail } from '@phonesafe/testkit';
import { rescueWorld } from './rescue-world.ts';

test('a rescue erase ends the mail pairing: the secret is deleted, the pc and the owner get a signed pairing-ended mail', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1');
  await phone.importTree(await w.tree({ 'contacts/a.vcf': 'BEGIN:VCARD\nFN:A\nEND:VCARD\n' }));
  const [pc, me, owner] = [await mailbox('pc', 'pc.test'), await mailbox('phone', 'phone.test'), await mailbox('owner', 'owner.test')];
  const secret = newPairingSecret();
  await phone.mailPair(
    {
      handset: { address: me.address, smtp: me.smtp, imap: me.imap },
      pc: pc.address,
      owner: owner.address,
      notifyEvery: 1,
      maxMailPayload: 1 << 20,
      maxBundle: 1 << 24,
    },
    secret,
  );
  const { events, socket, loop } = await w.run(phone, 1);
  await events.next('connected');
  w.peer.sendSave(socket, 'rescue-1');
  const saved = await events.next('rescue-saved');
  w.peer.sendErase(socket, 'rescue-1', saved.backupId);
  await events.next('rescue-erased');
  await assert.rejects(loop, { code: 'CREDENTIAL_REVOKED' });

  const mailDir = join(w.root, 'phone-1', 'mail');
  assert.equal(existsSync(join(mailDir, 'pairing.key')), false, 'the secret is gone at once');
  const last = await phone.mailPoll({ password: me.password });
  assert.equal(last.sent, 2);
  assert.equal(existsSync(mailDir), false, 'then everything mail kept');
  assert.equal(await phone.mailActive(), false);
  await assert.rejects(phone.mailPoll({ password: me.password }), { code: 'MAIL_NOT_PAIRED' });

  const keys = deriveMailKeys(secret);
  for (const to of [pc.address, owner.address]) {
    const [mail] = await waitForMail(to, /^MB-Direction-Code: pairing-ended\r?$/m);
    const verdict = verifyMail(mail!.raw, {
      keys,
      sender: 'hs',
      senderAddress: me.address,
      codes: ['pairing-ended'],
      // The handset runs on a ManualClock: judge the mail at its own time.
      now: new Date(/^Date: (.*)\r?$/m.exec(mail!.raw.toString('latin1'))![1]!),
      maxAgeSeconds: () => 3600,
      window: EMPTY_WINDOW,
      nonceSeen: () => false,
    });
    assert.ok(verdict.ok, `signed by the handset (${to}): ${JSON.stringify(verdict)}`);
  }
});
