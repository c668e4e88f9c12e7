import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { forgetByPolicy } from '../src/maintenance/forget.ts';
import { prune } from '../src/maintenance/prune.ts';
import { verifyStore } from '../src/maintenance/verify.ts';
import { at, openWithParts, partRef, seedOwner, sha256, uid } from './store-fixtures.ts';
import { tempCenter, type TempCenter } from './temp-center.ts';

let center: TempCenter;
beforeEach(async () => (center = await tempCenter()));
afterEach(async () => center.cleanup());

/** Writes a blob and records its part, as the upload route does. */
async function storePart(ownerId: string, content: string, createdAt = at(1)) {
  const bytes = new TextEncoder().encode(content);
  const part = { id: sha256(`id:${content}`), size: bytes.byteLength, sha256: sha256(bytes) };
  await center.blobs.put({ ownerId, id: part.id, sha256: part.sha256 }, bytes);
  await center.store.parts.record(ownerId, part, createdAt);
  return part;
}

function blobPath(ownerId: string, part: { id: string; sha256: string }): string {
  return join(center.blobRoot, ownerId, part.id.slice(0, 2), `${part.id}.${part.sha256}`);
}

test('verify reads every blob and reports damaged and missing ones', async () => {
  const a = await seedOwner(center.store);
  const b = await seedOwner(center.store);
  const good = await storePart(a.owner.id, 'good part');
  const flipped = await storePart(a.owner.id, 'flipped part');
  const lost = await storePart(b.owner.id, 'lost part');
  assert.deepEqual(await verifyStore(center.store, center.blobs), {
    checked: 3,
    damaged: [],
    bytes: good.size + flipped.size + lost.size,
  });

  const bytes = await readFile(blobPath(a.owner.id, flipped));
  bytes[3]! ^= 0x01;
  await writeFile(blobPath(a.owner.id, flipped), bytes);
  await rm(blobPath(b.owner.id, lost));
  const report = await verifyStore(center.store, center.blobs);
  assert.equal(report.checked, 3);
  assert.equal(report.bytes, good.size + flipped.size);
  assert.deepEqual(
    report.damaged.sort((x, y) => x.reason.localeCompare(y.reason)),
    [
      { ownerId: a.owner.id, id: flipped.id, reason: 'hash-mismatch' },
      { ownerId: b.owner.id, id: lost.id, reason: 'missing' },
    ],
  );
});

test('verify pages past the first page', async () => {
  const { owner } = await seedOwner(center.store);
  for (let i = 0; i < 1001; i++) await center.store.parts.record(owner.id, partRef(uid('p')), at(1));
  const report = await verifyStore(center.store, center.blobs);
  assert.equal(report.checked, 1001);
  assert.equal(new Set(report.damaged.map((d) => d.id)).size, 1001);
});

test('prune deletes old unreferenced parts, blob and row, and keeps the rest', async () => {
  const { owner, handset } = await seedOwner(center.store);
  const referenced = await storePart(owner.id, 'referenced');
  const orphan = await storePart(owner.id, 'orphan');
  const fresh = await storePart(owner.id, 'fresh', at(30));
  const manifest = await storePart(owner.id, 'manifest');
  const { backup, manifest: recordedOnly } = await openWithParts(center.store, handset, []);
  await center.store.backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(5), manifest, parts: [referenced], files: [] });

  const report = await prune(center.store, center.blobs, { olderThan: at(30), staleOpenBefore: at(0) });
  // openWithParts recorded a manifest part of its own, with no blob and no reference.
  assert.deepEqual(report, { droppedOpenBackups: 0, removedParts: 2, removedBytes: orphan.size + recordedOnly.size });
  assert.equal(await center.store.parts.find(owner.id, orphan.id), undefined);
  assert.equal(await center.blobs.has(owner.id, orphan.id), false);
  for (const kept of [referenced, fresh, manifest]) {
    assert.deepEqual(await center.store.parts.find(owner.id, kept.id), kept);
    assert.equal(await center.blobs.has(owner.id, kept.id), true);
  }
  assert.deepEqual(await prune(center.store, center.blobs, { olderThan: at(30), staleOpenBefore: at(0) }), { droppedOpenBackups: 0, removedParts: 0, removedBytes: 0 });
});

test('prune drops open backups left behind by transfers that never ended, and keeps recent ones', async () => {
  const { owner, handset } = await seedOwner(center.store);
  const { backup: stale } = await openWithParts(center.store, handset, [], { startedAt: at(1) });
  const { backup: recent } = await openWithParts(center.store, handset, [], { startedAt: at(20) });
  const report = await prune(center.store, center.blobs, { olderThan: at(0), staleOpenBefore: at(10) });
  assert.equal(report.droppedOpenBackups, 1);
  assert.equal(await center.store.backups.find(owner.id, stale.id), undefined);
  assert.equal((await center.store.backups.find(owner.id, recent.id))?.status, 'open');
});

test('forgetByPolicy removes what the policy drops, for one handset, and records it', async () => {
  const { owner, handset } = await seedOwner(center.store);
  const ids: string[] = [];
  for (const day of [1, 2, 3, 4]) {
    const { backup, manifest } = await openWithParts(center.store, handset, []);
    const committedAt = new Date(Date.UTC(2026, 0, day, 12)).toISOString();
    await center.store.backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt, manifest, parts: [], files: [] });
    ids.push(backup.id);
  }
  const otherHandset = { ...handset, id: uid('handset'), name: uid('phone') };
  await center.store.handsets.create(otherHandset);
  const { backup: other, manifest } = await openWithParts(center.store, otherHandset, []);
  await center.store.backups.commit({ backupId: other.id, ownerId: owner.id, committedAt: at(0), manifest, parts: [], files: [] });

  const policy = { keepLast: 2, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 };
  const forgotten = await forgetByPolicy(center.store, owner.id, handset.id, policy, at(99));
  assert.deepEqual(forgotten, [ids[1], ids[0]]);
  assert.deepEqual((await center.store.backups.listCommitted(owner.id, handset.id)).map((b) => b.id), [ids[3], ids[2]]);
  assert.ok(await center.store.backups.find(owner.id, other.id));
  const history = await center.store.history.list(owner.id);
  assert.deepEqual(
    history.map((h) => [h.event, h.backupId, h.handsetId, h.at]),
    forgotten.map((id) => ['backup-forgotten', id, handset.id, at(99)]).reverse(),
  );
  assert.deepEqual(await forgetByPolicy(center.store, owner.id, handset.id, policy, at(100)), []);
});
