import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeMail, deriveMailKeys, newPairingSecret } from '@phonesafe/protocol/node';
import { cliJson, mailbox, mailsMatching, sendRawMail, tempDir, treeDigest, waitForMail, writeTree } from '@phonesafe/testkit';
import { mailPair } from './helpers/mail-pair.ts';

type Poll = { accepted: Array<{ code: string }>; refused: Array<{ reason: string }> };
const INSTRUCTION = /^MB-Direction-Code: (backup|restore)\r?$/m;
const NOTICE = /^MB-Direction-Code: notice\r?$/m;

const swapAuth = (into: string, from: string) => {
  const auth = (text: string) => /MB-Authentication-Info:[^]*?(?=\r?\nFrom:)/.exec(text)![0];
  return into.replace(auth(into), auth(from));
};

test('replayed, altered, copied, stranger and forged-From instructions are refused through the real mail system; the owner is told once an hour; the next genuine one works', async (t) => {
  const pair = await mailPair(t);
  const src = await tempDir(t, 'src');
  await writeTree(src, { 'contacts/a.vcf': 'BEGIN:VCARD\nFN:A\nEND:VCARD\n', 'notes/n.txt': 'one\n' });
  await cliJson(['handset', 'import', '--data', pair.handsetDir, src], {});
  const poll = (overwrite = 'yes') =>
    cliJson<Poll>(['handset', 'mail-poll', '--data', pair.handsetDir, '--overwrite', overwrite], pair.hsEnv);

  // A genuine backup, then a genuine restore instruction, both kept as the server holds them.
  await cliJson(['pc', 'mail-backup', '--handset', pair.name, '--wait', '0'], pair.pcEnv);
  assert.deepEqual(
    (await poll()).accepted.map((a) => a.code),
    ['backup'],
  );
  const backup = (await cliJson<{ recorded: Array<{ id: string }> }>(['pc', 'mail-fetch'], pair.pcEnv)).recorded[0]!;
  await cliJson(['pc', 'mail-restore', '--backup', backup.id, '--wait', '0'], pair.pcEnv);
  const [backupMail, restoreMail] = (await waitForMail(pair.phone.address, INSTRUCTION, 2))
    .map((m) => m.raw.toString('latin1'))
    .sort((a) => (/: backup\r?\n/.test(a) ? -1 : 1));
  assert.deepEqual(
    (await poll()).accepted.map((a) => a.code),
    ['restore'],
  );
  await cliJson(['pc', 'mail-fetch'], pair.pcEnv);

  // The handset changes; none of the bad mails below may restore it.
  const changed = await tempDir(t, 'changed');
  await writeTree(changed, { 'contacts/a.vcf': 'BEGIN:VCARD\nFN:Changed\nEND:VCARD\n' });
  await cliJson(['handset', 'import', '--data', pair.handsetDir, changed], {});
  const before = await tempDir(t, 'before');
  await cliJson(['handset', 'export', '--data', pair.handsetDir, before], {});

  const mallory = await mailbox('mallory', 'evil.test');
  const stranger = deriveMailKeys(newPairingSecret());
  const forged = composeMail({
    keys: { ...stranger, pairingId: deriveMailKeys(newPairingSecret()).pairingId },
    role: 'pc',
    code: 'restore',
    seq: 99,
    now: new Date(),
    from: pair.pc.address,
    to: pair.phone.address,
    subject: 'PhoneSafe restore instruction',
    group: 'g',
    part: { index: 1, count: 1 },
    payload: Buffer.from('x'),
  }).raw;
  const copied = swapAuth(restoreMail!.replace(/^Subject: .*$/m, 'Subject: PhoneSafe restore instruction again'), restoreMail!);
  const at = restoreMail!.lastIndexOf('\n--ps-') - 20;
  const altered = restoreMail!.slice(0, at) + (restoreMail![at] === 'A' ? 'B' : 'A') + restoreMail!.slice(at + 1);
  const strangerMail = `MB-Direction-Code: backup\r\nMB-Authentication-Info: v=1; a=hmac-sha256; b=AAAA\r\nFrom: <${mallory.address}>\r\nTo: <${pair.phone.address}>\r\nSubject: backup please\r\n\r\nhi\r\n`;
  for (const raw of [restoreMail!, altered, copied, strangerMail, forged.toString('latin1')])
    await sendRawMail(mallory, pair.phone.address, Buffer.from(raw, 'latin1'));
  await waitForMail(pair.phone.address, INSTRUCTION, 7);

  const refused = await poll();
  assert.deepEqual(refused.accepted, []);
  assert.deepEqual(refused.refused.map((r) => r.reason).sort(), ['altered', 'bad-mac', 'bad-mac', 'bad-mac', 'replay']);
  const now = await tempDir(t, 'now');
  await cliJson(['handset', 'export', '--data', pair.handsetDir, now], {});
  assert.deepEqual(await treeDigest(now), await treeDigest(before), 'nothing was restored');
  assert.equal((await mailsMatching(pair.pc.address, /^MB-Direction-Code: restore-complete\r?$/m)).length, 1, 'no answer to anyone');
  assert.equal((await mailsMatching(mallory.address, /MB-Direction-Code/)).length, 0, 'nothing to the stranger');

  // The owner: two acceptance notices, ONE refusal notice for five refusals (the rest are counted in the next one).
  const notices = await waitForMail(pair.owner.address, NOTICE, 3);
  assert.equal(notices.filter((n) => /^Subject: PhoneSafe: a mail to your handset was refused/m.test(n.raw.toString('latin1'))).length, 1);

  // The next genuine instruction works; its notice reports the refusals that were only counted.
  const next = await cliJson<{ re?: string }>(['pc', 'mail-backup', '--handset', pair.name, '--wait', '0'], pair.pcEnv);
  assert.ok(next);
  assert.deepEqual(
    (await poll()).accepted.map((a) => a.code),
    ['backup'],
  );
  const fetched = await cliJson<{ recorded: unknown[] }>(['pc', 'mail-fetch'], pair.pcEnv);
  assert.equal(fetched.recorded.length, 1);
  const last = await waitForMail(pair.owner.address, NOTICE, 4);
  assert.ok(
    last.some((n) => /4 more refused mail/.test(n.raw.toString('latin1'))),
    'the counted refusals are reported',
  );
  void backupMail;
});
