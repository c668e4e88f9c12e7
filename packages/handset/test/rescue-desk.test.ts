/**
 * Seed 004 end to end with the real center's rescue desk: the owner asks with
 * phone number + code number, the center reaches the running handset, which
 * saves all of its memory and erases it; the control number then restores it
 * onto a replacement with the same phone number. The center revokes the
 * erased handset's credential, and the handset forgets it and the key.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { RescueRestoreResponse, RescueStatusResponse, RescueView } from '@phonesafe/protocol';
import { CenterClient } from '@phonesafe/protocol/node';
import { layoutOf } from '../src/layout.ts';
import { HandsetAgent } from '../src/index.ts';
import { readTree } from '@phonesafe/testkit';
import { rescueWorld, runLoop } from './rescue-world.ts';

const PHONE = '+819011112222';
const CODE = '24681012';

test('rescue desk: request, save and erase while running, restore onto a replacement by control number', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1', { direct: true, phone: PHONE, code: CODE });
  const original = await w.tree({
    'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nEND:VCARD\n',
    'mail/addresses.txt': 'alice@example.com\n',
    'notes/a.txt': 'a\n',
  });
  await phone.importTree(original);
  const desk = new CenterClient({ baseUrl: w.centerUrl });
  t.after(() => desk.close());

  const requested = await desk.http.json(RescueView, { method: 'POST', path: '/v1/rescue/requests', json: { phone: PHONE, code: CODE } });
  assert.equal(requested.status, 'waiting-for-handset');

  // The enrolment as it was, to play a handset that crashed before it could forget it.
  const layout = layoutOf(join(w.root, 'phone-1'));
  const enrolment = [await readFile(layout.identity), await readFile(layout.dataKey)] as const;

  phone.setBusy(60 * 60_000);
  const { events, loop } = runLoop(t, phone);
  await events.next('rescue-save');
  const saved = await events.next('rescue-saved');
  const erased = await events.next('rescue-erased');
  assert.deepEqual([erased.backupId, erased.erasedItems], [saved.backupId, 3]);
  assert.equal(phone.status().items, 0);
  await assert.rejects(loop, { code: 'CREDENTIAL_REVOKED' });
  assert.equal((await events.next('revoked')).type, 'revoked');
  assert.equal(phone.status().enrolled, false, 'the erased handset forgot its enrolment');
  assert.deepEqual([existsSync(layout.identity), existsSync(layout.dataKey)], [false, false]);

  // Had it crashed before forgetting, the center's refusal of its channel makes it forget then.
  await writeFile(layout.identity, enrolment[0]);
  await writeFile(layout.dataKey, enrolment[1]);
  const restarted = await HandsetAgent.open(layout.root);
  t.after(() => restarted.close());
  assert.equal(restarted.status().enrolled, true);
  const again = runLoop(t, restarted);
  await assert.rejects(again.loop, { code: 'CREDENTIAL_REVOKED' });
  assert.match((await again.events.next('revoked')).detail, /CREDENTIAL_REVOKED/);
  assert.deepEqual([restarted.status().enrolled, existsSync(layout.identity), existsSync(layout.dataKey)], [false, false, false]);

  const status = await until(
    () => desk.http.json(RescueStatusResponse, { method: 'POST', path: '/v1/rescue/status', json: { phone: PHONE, code: CODE } }),
    (s) => s.rescues[0]?.status === 'erased',
  );
  const control = status.rescues[0]!.controlNumber!;

  const replacement = await w.handset('phone-2', { direct: true, phone: PHONE });
  const { events: onReplacement } = runLoop(t, replacement);
  await onReplacement.next('connected');
  const order = await desk.http.json(RescueRestoreResponse, {
    method: 'POST',
    path: '/v1/rescue/restore',
    json: { phone: PHONE, code: CODE, control },
  });
  assert.equal(order.handsetName, 'phone-2');
  const applied = await onReplacement.next('restore-applied');
  assert.deepEqual([applied.result.restored, applied.result.skipped], [3, 0]);
  const out = join(w.root, 'out');
  await replacement.exportTree(out);
  assert.deepEqual(await readTree(out), await readTree(original));
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
