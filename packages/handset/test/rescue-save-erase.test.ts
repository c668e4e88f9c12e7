/**
 * Seed 004 on the handset (R2): the center's rescue-save sends all of the
 * memory whatever the settings and the owner's business, rescue-erase removes
 * exactly what was saved and reports it — once, however often it is asked —
 * and refuses when the backup id is not the rescue's or the save never
 * committed. Once reported, the handset forgets its enrolment and key. A real center behind a proxy that plays the rescue desk's part
 * of the channel (rescue-peer.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { HandsetDb } from '../src/db/database.ts';
import type { HandsetAgent } from '../src/index.ts';
import { layoutOf } from '../src/layout.ts';
import { readTree } from '@phonesafe/testkit';
import { rescueWorld } from './rescue-world.ts';

const FILES = {
  'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nTEL:+81312345678\nEND:VCARD\n',
  'contacts/bob.vcf': 'BEGIN:VCARD\nFN:Bob\nEND:VCARD\n',
  'mail/addresses.txt': 'alice@example.com\nbob@example.com\n',
  'notes/todo.txt': 'buy milk\n',
  // Larger than a batched part: a transfer is two requests, so it can break halfway.
  'photos/cat.jpg': randomBytes(300_000),
};

test('rescue-save backs up every kind while the owner is busy; rescue-erase erases the saved versions only, once', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1');
  await phone.importTree(await w.tree(FILES));
  // Saved to the center and stubbed (B9): the rescue's generation still names it.
  const offloaded = await phone.offload({ kinds: ['media'] });
  assert.equal(offloaded.items.length, 1);
  // A value on the IC card: the card is no memory item, so the save below still counts the five files only.
  await phone.wallet().add(Buffer.from(JSON.stringify({ class: 'prepaid', name: 'E', remaining: 800 })));
  phone.setBusy(60 * 60_000);
  phone.setDeviceState({ idle: false });

  const { events, socket, loop } = await w.run(phone, 1);
  await events.next('connected');
  w.peer.sendSave(socket, 'rescue-1');
  assert.equal((await events.next('rescue-save')).rescueId, 'rescue-1');
  const saved = await events.next('rescue-saved');
  assert.deepEqual([saved.rescueId, saved.files, saved.again], ['rescue-1', 5, false]);
  const start = w.peer.backupStarts.at(-1);
  const every = ['appdata', 'apps', 'bookmarks', 'calendar', 'contacts', 'mail', 'media', 'other', 'rights', 'settings', 'wallet'];
  assert.deepEqual(start, { kinds: every, complete: every, trigger: 'rescue', rescueId: 'rescue-1' });
  assert.equal(phone.settings().targets.kinds.join(), 'contacts', 'the settings would have saved contacts only');

  // A repeated save for the same rescue sends nothing new.
  const startsBefore = w.peer.backupStarts.length;
  w.peer.sendSave(socket, 'rescue-1');
  const repeated = await events.next('rescue-saved');
  assert.deepEqual([repeated.backupId, repeated.again, w.peer.backupStarts.length], [saved.backupId, true, startsBefore]);

  // The owner's handset keeps being used after the snapshot: a change and a new item were never saved.
  await phone.importTree(
    await w.tree({
      'contacts/bob.vcf': 'BEGIN:VCARD\nFN:Bob (new number)\nEND:VCARD\n',
      'contacts/carol.vcf': 'BEGIN:VCARD\nFN:Carol\nEND:VCARD\n',
    }),
  );

  w.peer.sendErase(socket, 'rescue-1', 'some-other-backup');
  const refused = await events.next('rescue-failed');
  assert.deepEqual([refused.step, refused.code], ['erase', 'FORBIDDEN']);
  assert.equal(phone.status().items, 6, "nothing is erased for a backup id that is not the rescue's");

  // The erase happens, but its report does not arrive: the handset stays enrolled, to report it when asked again.
  w.peer.failErasedReports = 1;
  w.peer.sendErase(socket, 'rescue-1', saved.backupId);
  const unreported = await events.next('rescue-failed');
  assert.deepEqual([unreported.step, unreported.code], ['erase', 'UNAVAILABLE']);
  const kept = ['contacts/bob.vcf', 'contacts/carol.vcf'];
  assert.deepEqual(await exported(phone, join(w.root, 'after-erase')), kept);
  const status = phone.status();
  assert.deepEqual([status.items, status.stubs.length, status.enrolled], [2, 0, true]);
  const layout = layoutOf(join(w.root, 'phone-1'));
  assert.equal((await readdir(layout.memory)).length, 2, 'only the kept items have content files');
  assert.equal(
    await count(layout.database, 'SELECT count(DISTINCT item_id) AS n FROM profile'),
    2,
    'profile rows of erased items are gone',
  );

  // Asked again (the center asks on every reconnect until it has the report): reported, nothing more erased.
  w.peer.sendErase(socket, 'rescue-1', saved.backupId);
  const erased = await events.next('rescue-erased');
  assert.deepEqual([erased.backupId, erased.erasedItems, erased.keptItems, erased.again], [saved.backupId, 4, 1, true]);
  assert.equal(phone.status().items, 2);
  assert.deepEqual(
    w.peer.erasedReports.map((r) => [r.rescueId, r.body]),
    [
      ['rescue-1', { backupId: saved.backupId, erasedItems: 4 }],
      ['rescue-1', { backupId: saved.backupId, erasedItems: 4 }],
    ],
  );
  assert.ok(
    w.peer.erasedReports.every((r) => r.authorization?.startsWith('Bearer ')),
    'reported with the handset credential',
  );

  // The report revokes the credential: the loop ends, and the handset forgets its enrolment, the owner's key and
  // everything sealed with it; the items that changed after the save stay, as plain memory.
  await assert.rejects(loop, { code: 'CREDENTIAL_REVOKED' });
  assert.deepEqual(events.types().slice(-2), ['revoked', 'stopped']);
  const after = phone.status();
  assert.deepEqual([after.enrolled, after.items, after.pendingParts, after.pendingVersions], [false, 2, 0, 0]);
  assert.deepEqual([existsSync(layout.identity), existsSync(layout.dataKey)], [false, false]);
  assert.deepEqual(await readdir(layout.backupArea), []);
  assert.equal(await count(layout.database, 'SELECT count(*) AS n FROM parts'), 0, 'no keyed part ids left');
  assert.deepEqual(await exported(phone, join(w.root, 'after-revoke')), kept);
  await assert.rejects(async () => phone.notices(), { code: 'NOT_ENROLLED' });
});

test('a transfer that breaks erases nothing; the next rescue-save resumes the open backup', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1');
  await phone.importTree(await w.tree(FILES));
  const { events, socket } = await w.run(phone, 1);
  await events.next('connected');

  w.peer.failPartsAfter = 1;
  w.peer.sendSave(socket, 'rescue-2');
  const failed = await events.next('rescue-failed');
  assert.deepEqual([failed.step, failed.code], ['save', 'UNAVAILABLE']);
  // Even if an erase arrived now, the save never committed: the center cannot show a backup holding it.
  const open = w.peer.backupStarts.length;
  w.peer.sendErase(socket, 'rescue-2', 'not-committed');
  assert.equal((await events.next('rescue-failed')).step, 'erase');
  assert.equal(phone.status().items, 5, 'nothing erased');

  w.peer.failPartsAfter = undefined;
  w.peer.dropConnections();
  const second = await w.peer.connection(2);
  await events.next('connected');
  w.peer.sendSave(second, 'rescue-2');
  const saved = await events.next('rescue-saved');
  assert.equal(w.peer.backupStarts.length, open, 'resumed: no second backup opened');
  assert.equal(saved.files, 5);

  w.peer.sendErase(second, 'rescue-2', saved.backupId);
  assert.equal((await events.next('rescue-erased')).erasedItems, 5);
  assert.equal(phone.status().items, 0);
});

test('without the completion notice the erase asks the center: its manifest must list every saved version', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1');
  await phone.importTree(await w.tree({ 'contacts/alice.vcf': FILES['contacts/alice.vcf'] }));
  const earlier = await phone.backup({ kinds: ['contacts'] });
  await phone.importTree(await w.tree({ 'mail/addresses.txt': FILES['mail/addresses.txt'] }));
  const { events, socket } = await w.run(phone, 1);
  await events.next('connected');
  w.peer.sendSave(socket, 'rescue-3');
  const saved = await events.next('rescue-saved');
  // As if the handset went down between the center's commit and recording it.
  const db = new HandsetDb(layoutOf(join(w.root, 'phone-1')).database);
  db.run("UPDATE rescues SET committed = 0 WHERE rescue_id = 'rescue-3'");
  db.close();

  w.peer.sendErase(socket, 'rescue-3', earlier.backupId);
  const refused = await events.next('rescue-failed');
  assert.match(refused.detail, /lacks 1 of the 2 item versions/);
  assert.equal(phone.status().items, 2);

  w.peer.sendErase(socket, 'rescue-3', saved.backupId);
  assert.equal((await events.next('rescue-erased')).erasedItems, 2);
  assert.equal(phone.status().items, 0);
});

async function count(database: string, sql: string): Promise<number> {
  const db = new HandsetDb(database);
  try {
    return db.get<{ n: number }>(sql)?.n ?? 0;
  } finally {
    db.close();
  }
}

async function exported(phone: HandsetAgent, out: string): Promise<string[]> {
  await phone.exportTree(out);
  return [...(await readTree(out)).keys()].sort();
}
