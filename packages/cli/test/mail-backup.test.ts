import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { extractPayload, parseMessage } from '@phonesafe/protocol/node';
import {
  cli,
  cliJson,
  handsetTree,
  runHandset,
  storedMails,
  tempDir,
  treeDigest,
  waitForMail,
  writeTree,
  TEST_MAIL_PASSWORD,
} from '@phonesafe/testkit';
import { mailPair } from './helpers/mail-pair.ts';

const MARKER = 'ZEBRA-MAIL-MARKER-6c1f';
const NOTICE = /^MB-Direction-Code: notice\r?$/m;

test('backup and restore by mail through Postfix and Dovecot, with no center: byte-identical, notices to the owner, nothing readable on the server', async (t) => {
  const pair = await mailPair(t);
  const src = await tempDir(t, 'src');
  await writeTree(src, handsetTree({ marker: MARKER }));
  await cliJson(['handset', 'import', '--data', pair.handsetDir, src], {});
  const run = runHandset<{ event: string }>(t, pair.handsetDir, pair.hsEnv, ['--mail-interval', '100', '--overwrite', 'yes']);

  const backup = await cliJson<{ backupId: string; files: number; status: string }>(
    ['pc', 'mail-backup', '--handset', pair.name, '--wait', '60'],
    pair.pcEnv,
  );
  assert.equal(backup.status, 'ok');
  assert.equal(backup.files, 22);
  const listed = await cliJson<{ backups: Array<{ id: string; mails: number }> }>(['pc', 'mail-backups'], pair.pcEnv);
  assert.deepEqual(
    listed.backups.map((b) => b.id),
    [backup.backupId],
  );
  assert.ok(listed.backups[0]!.mails >= 3, `a 17 MB answer spans several mails (${listed.backups[0]!.mails})`);

  const first = await tempDir(t, 'first');
  await cliJson(['handset', 'export', '--data', pair.handsetDir, first], {});
  const exported = await tempDir(t, 'exported');
  await cliJson(['pc', 'mail-export', '--backup', backup.backupId, '--out', exported], pair.pcEnv);
  assert.deepEqual(await treeDigest(exported), await treeDigest(first), 'the mail backup is byte-identical to the handset');

  // Change the handset, then restore the earlier backup by mail.
  const changed = await tempDir(t, 'changed');
  await writeTree(changed, { 'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Someone Else\nEND:VCARD\n', 'notes/todo.txt': 'nothing\n' });
  await cliJson(['handset', 'import', '--data', pair.handsetDir, changed], {});
  const restore = await cliJson<{ status: string; restored: number; alreadyThere: number }>(
    ['pc', 'mail-restore', '--backup', backup.backupId, '--wait', '60'],
    pair.pcEnv,
  );
  assert.deepEqual([restore.status, restore.restored, restore.alreadyThere], ['ok', 2, 20]);
  const after = await tempDir(t, 'after');
  await cliJson(['handset', 'export', '--data', pair.handsetDir, after], {});
  assert.deepEqual(await treeDigest(after), await treeDigest(first), 'the handset holds what it held at the backup again');
  const shown = await cli(['pc', 'mail-log'], pair.pcEnv);
  assert.match(shown.stdout, /<- restore-complete {2}ok/);

  // M4: one notice per accepted instruction, to the registered owner address.
  const notices = await waitForMail(pair.owner.address, NOTICE, 2);
  assert.equal(notices.length, 2);
  assert.ok(run.events.some((e) => e.event === 'mail-accepted'));
  await run.stop();

  // The marker is in no mail on the server's disk, not even in a decoded attachment; the password nowhere.
  for (const box of [pair.pc, pair.phone, pair.owner]) {
    for (const mail of await storedMails(box.address)) {
      assert.ok(!mail.raw.includes(MARKER), `marker in ${mail.file}`);
      const payload = extractPayload(parseMessage(mail.raw)!);
      assert.ok(payload && !payload.includes(MARKER), `marker in the decoded payload of ${mail.file}`);
    }
  }
  const log = await cli(['handset', 'mail-log', '--data', pair.handsetDir], {});
  assert.match(log.stdout, /-> backup-response {2}ok/);
  assert.doesNotMatch(log.stdout + shown.stdout, new RegExp(TEST_MAIL_PASSWORD));
  void join;
});
