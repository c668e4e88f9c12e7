/**
 * A restore order that cannot be applied never blocks the handset: it is
 * reported to the center (error code only) and offered again later with
 * backoff, every backup still runs, and a rescue save does not apply
 * pending restores at all (a lost handset saves and is erased; it does not
 * receive data). A real center behind the rescue proxy (rescue-peer.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CenterClient } from '@phonesafe/protocol/node';
import type { HandsetAgent } from '../src/index.ts';
import { rescueWorld } from './rescue-world.ts';

const FILES = {
  'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nEND:VCARD\n',
  'notes/todo.txt': 'buy milk\n',
};

/** An order of a backup of `phone` that can never be applied: the backup is deleted right after the order. */
async function doomedOrder(phone: HandsetAgent, owner: CenterClient, to: string): Promise<string> {
  const { backupId } = await phone.backup();
  const order = await owner.startRestore({ backupId, toHandset: to, overwrite: 'yes' });
  await owner.deleteBackup(backupId);
  return order.restoreId;
}

test('a failing restore order is reported with its code, waits for its next try, and never blocks a backup', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1');
  await phone.importTree(await w.tree(FILES));
  const owner = await w.owner();
  const restoreId = await doomedOrder(phone, owner, 'phone-1');

  const failures: Array<{ restoreId: string; code: string }> = [];
  const backup = await phone.backup();
  assert.equal(backup.files, 2, 'the backup ran despite the order');
  const [order] = await owner.listRestores();
  assert.deepEqual([order?.restoreId, order?.status, order?.attempts, order?.lastCode], [restoreId, 'pending', 1, 'NOT_FOUND']);
  assert.ok(order?.nextTryAt && Date.parse(order.nextTryAt) > Date.now(), 'offered again later, not now');
  assert.equal(w.peer.requests.filter((r) => r === `POST /v1/restores/${restoreId}/failed`).length, 1);

  // Not due yet: the next backup does not try it again.
  await phone.backup();
  await phone.history();
  assert.equal((await owner.listRestores())[0]?.attempts, 1);

  // The owner's own call reports a failure as a result, not an exception.
  const second = await doomedOrder(phone, owner, 'phone-1');
  assert.deepEqual(await phone.applyPendingRestores({ onFailed: (f) => void failures.push(f) }), []);
  assert.deepEqual(
    failures.map((f) => [f.restoreId, f.code]),
    [[second, 'NOT_FOUND']],
  );

  const cancelled = await owner.cancelRestore(restoreId);
  assert.equal(cancelled.status, 'cancelled');
});

test('a rescue save does not apply pending restores, and a failing one does not stop it', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1');
  await phone.importTree(await w.tree(FILES));
  const owner = await w.owner();
  await doomedOrder(phone, owner, 'phone-1');

  const { events, socket } = await w.run(phone, 1);
  await events.next('connected');
  // The loop applies pending restores on every connection: this one fails.
  assert.equal((await events.next('restore-failed')).code, 'NOT_FOUND');
  const asked = w.peer.requests.length;
  w.peer.sendSave(socket, 'rescue-1');
  const saved = await events.next('rescue-saved').catch(() => undefined);
  assert.ok(saved, `the rescue save went through; events: ${events.types().join(', ')}`);
  assert.equal(saved.files, 2);
  assert.deepEqual(
    w.peer.requests.slice(asked).filter((r) => r.startsWith('GET /v1/restores/pending')),
    [],
    'no pending restores asked for',
  );
});

test('an order that must ask the owner and cannot is left pending, not reported as a failed try', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1');
  await phone.importTree(await w.tree(FILES));
  const { backupId } = await phone.backup();
  await phone.importTree(await w.tree({ 'notes/todo.txt': 'buy bread\n' }));
  const owner = await w.owner();
  const order = await owner.startRestore({ backupId, toHandset: 'phone-1', overwrite: 'ask' });

  const failures: Array<{ code: string; reported: boolean }> = [];
  assert.deepEqual(await phone.applyPendingRestores({ onFailed: (f) => void failures.push(f) }), []);
  assert.deepEqual(
    failures.map((f) => [f.code, f.reported]),
    [['OVERWRITE_REFUSED', false]],
  );
  const [listed] = await owner.listRestores();
  assert.deepEqual([listed?.restoreId, listed?.status, listed?.attempts], [order.restoreId, 'pending', 0]);
});
