/**
 * The whole handset flow through the HTTP API, as one scenario shared by the
 * SQLite and PostgreSQL test files: register, login, enrol, back up (start,
 * missing, parts, end), list, detail, download, restore order, pending,
 * complete with deleteAfter.
 */
import assert from 'node:assert/strict';
import { sha256Hex } from '@phonesafe/protocol/node';
import { call, enroll, expectStatus, newOwner, putPart, randomChunk, sealBackup, TEST_KDF_COST, type Harness } from './http-harness.ts';

export async function runFullHandsetFlow(h: Harness): Promise<{ ownerToken: string; credential: string; authKey: string }> {
  const owner = await newOwner(h, 'Anna@Example.org');

  const prelogin = await call(h, 'POST', '/v1/owners/prelogin', { json: { email: 'anna@example.org' } });
  expectStatus(prelogin, 200);
  assert.equal(prelogin.json().kdf.N, TEST_KDF_COST.N, 'a registered owner gets its own KDF parameters back');

  const phone = await enroll(h, owner, 'Anna phone');
  assert.match(phone.credential, /^h1\./);
  const whoami = await call(h, 'GET', '/v1/whoami', { bearer: phone.credential });
  expectStatus(whoami, 200);
  assert.deepEqual(whoami.json(), { ownerId: owner.ownerId, handsetId: phone.handsetId, handsetName: 'Anna phone' });
  const handsets = await call(h, 'GET', '/v1/handsets', { bearer: owner.token });
  assert.equal(handsets.json().handsets[0].lastSeenAt, h.clock.now().toISOString(), 'a handset call updates lastSeenAt');

  // B3/B4: start.
  const shared = randomChunk(3000);
  const backup = sealBackup(owner.keys, phone.handsetId, {
    'DCIM/a.jpg': [randomChunk(5000), shared],
    'DCIM/b.jpg': [shared, randomChunk(100)],
  });
  const start = await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['media'], trigger: 'manual' } });
  expectStatus(start, 201);
  assert.equal(start.json().status, 'open');
  assert.equal(start.json().maxPartBytes, 8 * 1024 * 1024);
  const { backupId } = start.json<{ backupId: string }>();

  // B5: missing, parts (each acknowledged, idempotent), end.
  const all = [...backup.parts, backup.manifest];
  const missing = await call(h, 'POST', '/v1/parts/missing', { bearer: phone.credential, json: { ids: all.map((part) => part.id) } });
  assert.deepEqual(
    missing.json().missing,
    all.map((part) => part.id),
  );
  for (const part of all) {
    const put = await putPart(h, phone.credential, part);
    expectStatus(put, 201);
    assert.deepEqual(put.json(), { ack: { id: part.id, size: part.bytes.length, sha256: part.sha256 }, stored: 'new' });
  }
  const again = await putPart(h, phone.credential, backup.parts[0]!);
  expectStatus(again, 200);
  assert.equal(again.json().stored, 'existing');
  const none = await call(h, 'POST', '/v1/parts/missing', { bearer: phone.credential, json: { ids: all.map((part) => part.id) } });
  assert.deepEqual(none.json().missing, []);

  const listedBeforeEnd = await call(h, 'GET', '/v1/backups', { bearer: owner.token });
  assert.deepEqual(listedBeforeEnd.json().backups, [], 'an open backup is never listed');

  h.clock.advance(60_000);
  const end = await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: backup.notice });
  expectStatus(end, 200);
  const completion = end.json();
  assert.equal(completion.status, 'committed');
  assert.equal(completion.committedAt, h.clock.now().toISOString());
  assert.equal(completion.fileCount, 2);
  assert.equal(
    completion.storedBytes,
    all.reduce((sum, part) => sum + part.bytes.length, 0),
  );

  // B6: list, detail, download.
  for (const [bearer, query] of [
    [owner.token, ''],
    [owner.token, '?handset=Anna%20phone'],
    [phone.credential, ''],
  ] as const) {
    const list = await call(h, 'GET', `/v1/backups${query}`, { bearer });
    expectStatus(list, 200);
    assert.deepEqual(
      list.json().backups.map((b: { backupId: string }) => b.backupId),
      [backupId],
    );
  }
  const detail = await call(h, 'GET', `/v1/backups/${backupId}`, { bearer: owner.token });
  expectStatus(detail, 200);
  assert.deepEqual(detail.json().manifest, backup.notice.manifest);
  assert.deepEqual(detail.json().files, backup.notice.files);
  assert.equal(detail.json().parts.length, all.length, 'the manifest is a referenced part too');

  const download = await call(h, 'GET', `/v1/parts/${backup.manifest.id}`, { bearer: owner.token });
  expectStatus(download, 200);
  assert.equal(download.headers['x-phonesafe-sha256'], backup.manifest.sha256);
  assert.equal(sha256Hex(download.rawPayload), backup.manifest.sha256);
  const manifest = JSON.parse(owner.keys.openPart(backup.manifest.id, download.rawPayload).toString('utf8'));
  assert.deepEqual(
    manifest.files.map((file: { path: string }) => file.path),
    ['DCIM/a.jpg', 'DCIM/b.jpg'],
  );

  // B6: restore ordered by the owner for the handset, applied, completed with deleteAfter.
  const order = await call(h, 'POST', '/v1/restores', {
    bearer: owner.token,
    json: { backupId, toHandset: 'Anna phone', deleteAfter: true },
  });
  expectStatus(order, 201);
  assert.equal(order.json().status, 'pending');
  assert.equal(order.json().overwrite, 'ask');
  const { restoreId } = order.json<{ restoreId: string }>();
  const pending = await call(h, 'GET', '/v1/restores/pending', { bearer: phone.credential });
  assert.deepEqual(
    pending.json().restores.map((r: { restoreId: string }) => r.restoreId),
    [restoreId],
  );

  h.clock.advance(60_000);
  const complete = await call(h, 'POST', `/v1/restores/${restoreId}/complete`, {
    bearer: phone.credential,
    json: { restored: 2, skipped: 0 },
  });
  expectStatus(complete, 200);
  assert.deepEqual(complete.json(), { restoreId, status: 'completed', backupDeleted: true });
  const retried = await call(h, 'POST', `/v1/restores/${restoreId}/complete`, {
    bearer: phone.credential,
    json: { restored: 2, skipped: 0 },
  });
  assert.deepEqual(retried.json(), { restoreId, status: 'completed', backupDeleted: true }, 'completing again answers the same');

  assert.deepEqual((await call(h, 'GET', '/v1/restores/pending', { bearer: phone.credential })).json().restores, []);
  assert.deepEqual((await call(h, 'GET', '/v1/backups', { bearer: owner.token })).json().backups, []);
  assert.equal(await h.store.backups.find(owner.ownerId, backupId), undefined);
  assert.equal(await h.blobs.has(owner.ownerId, backup.manifest.id), true, 'blobs stay until prune');

  // B8: history, newest first, for the owner and for the handset.
  for (const bearer of [owner.token, phone.credential]) {
    const history = await call(h, 'GET', '/v1/history', { bearer });
    expectStatus(history, 200);
    assert.deepEqual(
      history.json().events.map((e: { event: string }) => e.event),
      ['backup-deleted', 'restore-completed', 'restore-requested', 'backup-committed'],
    );
    assert.equal(history.json().events[0].handsetName, 'Anna phone');
  }
  return { ownerToken: owner.token, credential: phone.credential, authKey: owner.authKey };
}
