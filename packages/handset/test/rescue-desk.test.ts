/**
 * Seed 004 end to end with the real center's rescue desk: the owner asks with
 * phone number + code number, the center reaches the running handset, which
 * saves all of its memory and erases it; the control number then restores it
 * onto a replacement with the same phone number. Skipped while the center
 * does not serve the desk's routes yet.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CenterClient, PhoneSafeError, RescueRestoreResponse, RescueStatusResponse, RescueView } from '@phonesafe/protocol';
import type { HandsetAgent } from '../src/index.ts';
import { EventLog } from './events.ts';
import { readTree } from './helpers.ts';
import { rescueWorld } from './rescue-world.ts';

const PHONE = '+819011112222';
const CODE = '246810';

test('rescue desk: request, save and erase while running, restore onto a replacement by control number', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1', { direct: true, phone: PHONE, code: CODE });
  const original = await w.tree({ 'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nEND:VCARD\n', 'mail/addresses.txt': 'alice@example.com\n', 'notes/a.txt': 'a\n' });
  await phone.importTree(original);
  const desk = new CenterClient({ baseUrl: w.centerUrl });
  t.after(() => desk.close());

  let requested;
  try {
    requested = await desk.http.json(RescueView, { method: 'POST', path: '/v1/rescue/requests', json: { phone: PHONE, code: CODE } });
  } catch (error) {
    if (error instanceof PhoneSafeError && error.code === 'NOT_FOUND') return t.skip('the center does not serve /v1/rescue yet');
    throw error;
  }
  assert.equal(requested.status, 'waiting-for-handset');

  phone.setBusy(60 * 60_000);
  const events = running(t, phone);
  await events.next('rescue-save');
  const saved = await events.next('rescue-saved');
  const erased = await events.next('rescue-erased');
  assert.deepEqual([erased.backupId, erased.erasedItems], [saved.backupId, 3]);
  assert.equal(phone.status().items, 0);

  const status = await until(
    () => desk.http.json(RescueStatusResponse, { method: 'POST', path: '/v1/rescue/status', json: { phone: PHONE, code: CODE } }),
    (s) => s.rescues[0]?.status === 'erased',
  );
  const control = status.rescues[0]!.controlNumber!;

  const replacement = await w.handset('phone-2', { direct: true, phone: PHONE });
  const onReplacement = running(t, replacement);
  await onReplacement.next('connected');
  const order = await desk.http.json(RescueRestoreResponse, { method: 'POST', path: '/v1/rescue/restore', json: { phone: PHONE, code: CODE, control } });
  assert.equal(order.handsetName, 'phone-2');
  const applied = await onReplacement.next('restore-applied');
  assert.deepEqual([applied.result.restored, applied.result.skipped], [3, 0]);
  const out = join(w.root, 'out');
  await replacement.exportTree(out);
  assert.deepEqual(await readTree(out), await readTree(original));
});

function running(t: TestContext, agent: HandsetAgent): EventLog {
  const events = new EventLog();
  const controller = new AbortController();
  const loop = agent.run({ signal: controller.signal, onEvent: events.sink, reconnect: { initialMs: 20, maxMs: 100 } });
  t.after(async () => {
    controller.abort();
    await loop;
  });
  return events;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
