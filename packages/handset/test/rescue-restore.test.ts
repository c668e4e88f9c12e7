/**
 * R3 on the handset: nothing new — the center places a B6 restore order of
 * the rescue's backup and the pending-restore path applies it. Onto the
 * erased handset enrolled again (the erase ended its enrolment), or a
 * replacement with an empty memory, policy 'ask' with
 * no way to ask does not stop it (there is nothing to overwrite), and the
 * export equals the original byte for byte (offloaded content included).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HandsetAgent } from '../src/index.ts';
import { OWNER_EMAIL, OWNER_PASSWORD, readTree } from '@phonesafe/testkit';
import { rescueWorld } from './rescue-world.ts';

const FILES = {
  'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nTEL:+81312345678\nEND:VCARD\n',
  'mail/addresses.txt': 'alice@example.com\n',
  'notes/empty.txt': '',
  'photos/夏.jpg': randomBytes(300_000),
  'appdata/big.bin': randomBytes(3 * 1024 * 1024),
};

test('the rescue restores onto the erased handset once it is enrolled again, and onto a replacement with the same phone number', async (t) => {
  const w = await rescueWorld(t);
  const phone = await w.handset('phone-1', { phone: '+819012345678', code: '43214321' });
  assert.equal(phone.status().phone, '+819012345678');
  const original = await w.tree(FILES);
  await phone.importTree(original);
  await phone.offload({ kinds: ['media'] });

  const { events, socket, loop } = await w.run(phone, 1);
  await events.next('connected');
  w.peer.sendSave(socket, 'rescue-r');
  const { backupId } = await events.next('rescue-saved');
  w.peer.sendErase(socket, 'rescue-r', backupId);
  assert.equal((await events.next('rescue-erased')).erasedItems, 5);
  await assert.rejects(loop, { code: 'CREDENTIAL_REVOKED' });
  assert.deepEqual([phone.status().items, phone.status().enrolled], [0, false]);

  // Found again: the owner enrols it anew (its old credential is revoked), under a new name.
  await phone.enroll({ center: w.centerUrl, owner: OWNER_EMAIL, password: OWNER_PASSWORD, name: 'phone-1-found', phone: '+819012345678' });
  const replacement = await w.handset('phone-2', { direct: true, phone: '+819012345678' });
  const owner = await w.owner();
  for (const name of ['phone-1-found', 'phone-2']) await owner.startRestore({ backupId, toHandset: name, overwrite: 'ask' });

  // The center pushes restore-pending on its own channel, which the proxy does not carry: apply as `handset run` does on a push.
  const [applied] = await phone.applyPendingRestores();
  assert.deepEqual([applied?.restored, applied?.skipped], [5, 0]);
  const [onReplacement] = await replacement.applyPendingRestores();
  assert.deepEqual([onReplacement?.restored, onReplacement?.skipped], [5, 0]);

  await assertSameTree(phone, join(w.root, 'out-1'), original);
  await assertSameTree(replacement, join(w.root, 'out-2'), original);
});

async function assertSameTree(agent: HandsetAgent, out: string, original: string): Promise<void> {
  await agent.exportTree(out);
  assert.deepEqual(await readTree(out), await readTree(original));
}
