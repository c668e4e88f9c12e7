/**
 * The handset against a real center on loopback: backup and restore round
 * trips, resuming a broken transfer, memory changing during a backup, the
 * overwrite questions, and a restore the pc orders. Only this test file
 * imports the center; the handset library itself meets it on the wire.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { runPrune } from '@phonesafe/center';
import { ManualClock, PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient, loginOwner } from '@phonesafe/protocol/node';
import { HandsetAgent, type ConnectCenter, type OverwriteAnswer } from '../src/index.ts';
import { HandsetDb } from '../src/db/database.ts';
import { OpenBackupStore } from '../src/transfer/open-backup.ts';
import { fileNames, OWNER_EMAIL, OWNER_PASSWORD, readTree, writeTree } from '@phonesafe/testkit';
import { centerWorld } from './center-world.ts';

const isCode = (code: string) => (error: unknown) => error instanceof PhoneSafeError && error.code === code;

test('backup on one handset, restore on another of the same owner', async (t) => {
  const w = await centerWorld(t);
  const src = join(w.root, 'src');
  await writeTree(src, {
    'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nEND:VCARD\n',
    'photos/夏.jpg': randomBytes(300_000),
    'notes/empty.txt': '',
    'appdata/big.bin': randomBytes(6 * 1024 * 1024),
  });
  // Imported before enrolment: the copies are made when the handset enrolls.
  const phone1 = await w.handset('phone-1', { enroll: false });
  await phone1.importTree(src);
  assert.equal(phone1.status().pendingParts, 0);
  const enrolled = await phone1.enroll({ center: w.url, owner: OWNER_EMAIL, password: OWNER_PASSWORD, name: 'phone-1' });
  assert.deepEqual({ name: enrolled.name, ownerRegistered: enrolled.ownerRegistered }, { name: 'phone-1', ownerRegistered: true });
  const waiting = phone1.status();
  assert.ok(waiting.pendingParts > 3);

  const progress: number[] = [];
  const first = await phone1.backup({ onProgress: (p) => p.phase === 'upload' && progress.push(p.done) });
  assert.equal(first.files, 4);
  assert.equal(first.sentParts, waiting.pendingParts);
  assert.equal(first.sentBytes, waiting.pendingBytes);
  assert.equal(progress.at(-1), waiting.pendingBytes);
  // Only after the completion notice: copies deleted, completion flag set, history written.
  assert.deepEqual(await fileNames(join(w.root, 'phone-1', 'backup-area')), []);
  const after = phone1.status();
  assert.deepEqual([after.pendingParts, after.pendingVersions], [0, 0]);
  assert.deepEqual(after.lastBackup, { backupId: first.backupId, at: first.committedAt });

  const again = await phone1.backup();
  assert.deepEqual([again.sentParts, again.reusedParts, again.files], [0, first.sentParts, 4]);
  const history = await phone1.history();
  assert.deepEqual(
    history.local.map((h) => [h.event, h.backupId]),
    [
      ['backup', again.backupId],
      ['backup', first.backupId],
    ],
  );
  assert.equal(history.center.filter((e) => e.event === 'backup-committed').length, 2);

  const phone2 = await w.handset('phone-2');
  const restored = await phone2.restore({ fromHandset: 'phone-1', overwrite: 'no' });
  assert.deepEqual([restored.backupId, restored.restored, restored.skipped], [again.backupId, 4, 0]);
  await phone2.exportTree(join(w.root, 'out-2'));
  assert.deepEqual(await readTree(join(w.root, 'out-2')), await readTree(src));
  // Restored versions came from the center: nothing waits to go back.
  assert.deepEqual([phone2.status().pendingParts, phone2.status().pendingVersions], [0, 0]);
  const phone2Backup = await phone2.backup();
  assert.deepEqual([phone2Backup.sentParts, phone2Backup.files], [0, 4]);
});

test('two handsets that hold the same file reference the copy the center already has', async (t) => {
  const w = await centerWorld(t);
  const src = await treeOf(w.root, 'src', { 'media/shared.mp4': randomBytes(3 * 1024 * 1024) });
  const phone1 = await w.handset('phone-1');
  const phone2 = await w.handset('phone-2');
  // Each sealed its own copy (sealing is randomised), so the bytes differ though the part ids agree.
  await phone1.importTree(src);
  await phone2.importTree(src);
  const first = await phone1.backup();

  const second = await phone2.backup();
  assert.deepEqual([second.sentParts, second.reusedParts], [0, first.sentParts]);
  assert.deepEqual(await fileNames(join(w.root, 'phone-2', 'backup-area')), []);
  const phone3 = await w.handset('phone-3');
  await phone3.restore({ fromHandset: 'phone-2', overwrite: 'no' });
  await phone3.exportTree(join(w.root, 'out'));
  assert.deepEqual(await readTree(join(w.root, 'out')), await readTree(src));
});

/** A center link whose uploads fail after `okUploads` calls, counting the acknowledged ones. */
function failingUploads(okUploads: number, counts: { calls: number; acked: number }): ConnectCenter {
  return (options) => {
    const client = new CenterClient(options);
    const put = client.putPart.bind(client);
    client.putPart = async (...args: Parameters<typeof put>) => {
      if (counts.calls++ >= okUploads) throw new PhoneSafeError('NETWORK', 'injected: connection dropped');
      const ack = await put(...args);
      counts.acked++;
      return ack;
    };
    return client;
  };
}

test('a broken transfer is no backup, and the next run resumes without resending acknowledged parts', async (t) => {
  const w = await centerWorld(t);
  const src = join(w.root, 'src');
  await writeTree(src, { 'appdata/big.bin': randomBytes(12 * 1024 * 1024), 'contacts/a.vcf': 'A' });
  const counts = { calls: 0, acked: 0 };
  const dir = join(w.root, 'phone-1');
  const flaky = await HandsetAgent.open(dir, { clock: new ManualClock(), connect: failingUploads(3, counts) });
  await flaky.enroll({ center: w.url, owner: OWNER_EMAIL, password: OWNER_PASSWORD, name: 'phone-1' });
  await flaky.importTree(src);
  const total = flaky.status().pendingParts;
  const areaBefore = await fileNames(join(dir, 'backup-area'));

  await assert.rejects(flaky.backup(), isCode('NETWORK'));
  assert.ok(counts.acked >= 3 && counts.acked < total, `some parts acknowledged (${counts.acked} of ${total})`);
  assert.deepEqual(await fileNames(join(dir, 'backup-area')), areaBefore, 'nothing deleted before completion');
  assert.equal(flaky.status().lastBackup, undefined);
  await flaky.close();

  const db = new HandsetDb(join(dir, 'handset.db'));
  const openId = new OpenBackupStore(db).get()?.backupId;
  db.close();
  assert.ok(openId);
  const phone2 = await w.handset('phone-2');
  await assert.rejects(phone2.restore({ fromHandset: 'phone-1', overwrite: 'no' }), isCode('NOT_FOUND'));

  const resumed = await HandsetAgent.open(dir, { clock: new ManualClock() });
  t.after(() => resumed.close());
  const result = await resumed.backup();
  assert.equal(result.backupId, openId, 'the open backup is resumed');
  assert.equal(result.sentParts, total - counts.acked);
  assert.equal(result.reusedParts, counts.acked);

  await phone2.restore({ fromHandset: 'phone-1', overwrite: 'no' });
  await phone2.exportTree(join(w.root, 'out'));
  assert.deepEqual(await readTree(join(w.root, 'out')), await readTree(src));
});

test('memory changed during a backup is not mixed in; it waits for the next backup', async (t) => {
  const w = await centerWorld(t);
  const src = join(w.root, 'src');
  const v1 = { 'contacts/a.vcf': 'A version 1', 'mail/b.eml': randomBytes(2 * 1024 * 1024) };
  await writeTree(src, v1);
  let phone1: HandsetAgent | undefined;
  let edit: Promise<unknown> | undefined;
  const connect: ConnectCenter = (options) => {
    const client = new CenterClient(options);
    const put = client.putPart.bind(client);
    client.putPart = async (...args: Parameters<typeof put>) => {
      // The owner edits a contact while the first part is on its way.
      edit ??= writeTree(src, { 'contacts/a.vcf': 'A version 2, edited during the backup' }).then(() => phone1!.importTree(src));
      await edit;
      return put(...args);
    };
    return client;
  };
  phone1 = await w.handset('phone-1', { connect });
  await phone1.importTree(src);
  const first = await phone1.backup();
  assert.equal(first.files, 2);
  const status = phone1.status();
  assert.equal(status.pendingVersions, 1, 'the edit waits, with its copy, for the next backup');
  assert.equal(status.pendingParts, 1);

  const phone2 = await w.handset('phone-2');
  await phone2.restore({ backupId: first.backupId, overwrite: 'no' });
  await phone2.exportTree(join(w.root, 'out-1'));
  assert.deepEqual(await readTree(join(w.root, 'out-1')), await readTree(await treeOf(w.root, 'v1', v1)));

  const second = await phone1.backup();
  assert.deepEqual([second.sentParts, phone1.status().pendingVersions, phone1.status().pendingParts], [1, 0, 0]);
  await phone2.restore({ fromHandset: 'phone-1', overwrite: 'yes' });
  await phone2.exportTree(join(w.root, 'out-2'));
  assert.deepEqual(await readTree(join(w.root, 'out-2')), await readTree(src));
});

async function treeOf(root: string, name: string, files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = join(root, name);
  await writeTree(dir, files);
  return dir;
}

test('restore asks before overwriting different data; yes, no, all and none', async (t) => {
  const w = await centerWorld(t);
  const backedUp = {
    'contacts/x1.vcf': 'X1',
    'contacts/x2.vcf': 'X2',
    'contacts/x3.vcf': 'X3',
    'contacts/same.vcf': 'S',
    'contacts/new.vcf': 'N',
  };
  const phone1 = await w.handset('phone-1');
  await phone1.importTree(await treeOf(w.root, 'src-1', backedUp));
  await phone1.backup();

  const phone2 = await w.handset('phone-2');
  const local = { 'contacts/x1.vcf': 'mine 1', 'contacts/x2.vcf': 'mine 2', 'contacts/x3.vcf': 'mine 3', 'contacts/same.vcf': 'S' };
  await phone2.importTree(await treeOf(w.root, 'src-2', local));
  const restore = (o: Omit<Parameters<HandsetAgent['restore']>[0], 'fromHandset'>) => phone2.restore({ fromHandset: 'phone-1', ...o });

  await assert.rejects(restore({ overwrite: 'ask' }), (error: unknown) => {
    assert.ok(error instanceof PhoneSafeError && error.code === 'OVERWRITE_REFUSED');
    assert.deepEqual(error.extra.paths, ['contacts/x1.vcf', 'contacts/x2.vcf', 'contacts/x3.vcf']);
    return true;
  });
  assert.equal(phone2.status().items, 4, 'nothing written when the question cannot be asked');

  const no = await restore({ overwrite: 'no' });
  assert.deepEqual(
    [no.restored, no.skipped, no.alreadyThere, no.skippedPaths],
    [1, 3, 1, ['contacts/x1.vcf', 'contacts/x2.vcf', 'contacts/x3.vcf']],
  );

  const asked: string[] = [];
  const answers: OverwriteAnswer[] = ['no', 'all'];
  const ask = await restore({ overwrite: 'ask', ask: async (path) => (asked.push(path), answers.shift()!) });
  assert.deepEqual(asked, ['contacts/x1.vcf', 'contacts/x2.vcf'], "'all' answers for the rest");
  assert.deepEqual([ask.restored, ask.skippedPaths, ask.alreadyThere], [2, ['contacts/x1.vcf'], 2]);

  const none = await restore({ overwrite: 'ask', ask: async () => 'none' });
  assert.deepEqual([none.restored, none.skipped], [0, 1]);

  const yes = await restore({ overwrite: 'yes' });
  assert.deepEqual([yes.restored, yes.skipped, yes.alreadyThere], [1, 0, 4]);
  await phone2.exportTree(join(w.root, 'out'));
  assert.deepEqual(await readTree(join(w.root, 'out')), await readTree(join(w.root, 'src-1')));
});

test('a restore the pc orders is applied when the handset next talks to the center, and may delete the backup', async (t) => {
  const w = await centerWorld(t);
  const phone1 = await w.handset('phone-1');
  const src = await treeOf(w.root, 'src', { 'contacts/a.vcf': 'A', 'media/p.jpg': randomBytes(100_000) });
  await phone1.importTree(src);
  const backup = await phone1.backup();

  const phone2 = await w.handset('phone-2');
  const pc = await loginOwner(new CenterClient({ baseUrl: w.url }), OWNER_EMAIL, OWNER_PASSWORD);
  t.after(() => pc.client.close());
  await pc.client.startRestore({
    backupId: backup.backupId,
    toHandset: 'phone-2',
    kinds: ['contacts'],
    deleteAfter: true,
    overwrite: 'yes',
  });

  const history = await phone2.history();
  assert.deepEqual(
    history.local.map((h) => [h.event, h.backupId, h.files]),
    [['restore', backup.backupId, 1]],
  );
  assert.equal(phone2.status().items, 1, 'only the kinds the order named');
  assert.deepEqual(await pc.client.listBackups(), [], 'the center deleted the backup after the restore');
  assert.deepEqual(await phone2.applyPendingRestores(), [], 'the order is applied once');

  // With the backup deleted and its parts pruned, phone-2's next backup seals its copies again from memory.
  await runPrune({ ...w.config, pruneGraceMs: 0 });
  const own = await phone2.backup();
  assert.equal(own.sentParts, 1);
  const phone3 = await w.handset('phone-3');
  await phone3.restore({ fromHandset: 'phone-2', overwrite: 'no' });
  await phone3.exportTree(join(w.root, 'out'));
  assert.deepEqual([...(await readTree(join(w.root, 'out'))).keys()], ['contacts/a.vcf']);
});
