import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, test } from 'node:test';
import { forgetByPolicy } from '../src/backup/forget.ts';
import { prune } from '../src/maintenance/prune.ts';
import { verifyStore } from '../src/maintenance/verify.ts';
import { openStore } from '../src/center-store.ts';
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
    database: { status: 'ok', detail: 'PRAGMA integrity_check: ok' },
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
      { ownerId: a.owner.id, id: flipped.id, reason: 'hash-mismatch', backups: [] },
      { ownerId: b.owner.id, id: lost.id, reason: 'missing', backups: [] },
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
  await center.store.backups.commit({
    backupId: backup.id,
    ownerId: owner.id,
    committedAt: at(5),
    manifest,
    parts: [referenced],
    files: [],
  });

  // A dry run counts the same and deletes nothing.
  const expected = {
    droppedOpenBackups: 0,
    removedParts: 2,
    removedBytes: orphan.size + recordedOnly.size,
    removedBlobs: 0,
    repackedPacks: 0,
    removedPacks: 0,
  };
  const steps: number[] = [];
  const dry = await prune(center.store, center.blobs, {
    olderThan: at(30),
    staleOpenBefore: at(0),
    dryRun: true,
    onProgress: (p) => steps.push(p.done),
  });
  assert.deepEqual(dry, { dryRun: true, ...expected });
  assert.deepEqual(steps, [0, 1, 2]);
  assert.ok(await center.store.parts.find(owner.id, orphan.id), 'the dry run deleted nothing');

  const report = await prune(center.store, center.blobs, { olderThan: at(30), staleOpenBefore: at(0) });
  // openWithParts recorded a manifest part of its own, with no blob and no reference.
  assert.deepEqual(report, {
    dryRun: false,
    droppedOpenBackups: 0,
    removedParts: 2,
    removedBytes: orphan.size + recordedOnly.size,
    removedBlobs: 0,
    repackedPacks: 0,
    removedPacks: 0,
  });
  assert.equal(await center.store.parts.find(owner.id, orphan.id), undefined);
  assert.equal(await center.blobs.has(owner.id, orphan.id), false);
  for (const kept of [referenced, fresh, manifest]) {
    assert.deepEqual(await center.store.parts.find(owner.id, kept.id), { ...kept, damaged: false, pack: null });
    assert.equal(await center.blobs.has(owner.id, kept.id), true);
  }
  assert.deepEqual(await prune(center.store, center.blobs, { olderThan: at(30), staleOpenBefore: at(0) }), {
    dryRun: false,
    droppedOpenBackups: 0,
    removedParts: 0,
    removedBytes: 0,
    removedBlobs: 0,
    repackedPacks: 0,
    removedPacks: 0,
  });
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
  assert.deepEqual(
    (await center.store.backups.listCommitted(owner.id, handset.id)).map((b) => b.id),
    [ids[3], ids[2]],
  );
  assert.ok(await center.store.backups.find(owner.id, other.id));
  const history = await center.store.history.list(owner.id);
  assert.deepEqual(
    history.map((h) => [h.event, h.backupId, h.handsetId, h.at]),
    forgotten.map((id) => ['backup-forgotten', id, handset.id, at(99)]).reverse(),
  );
  assert.deepEqual(await forgetByPolicy(center.store, owner.id, handset.id, policy, at(100)), []);
});

test('verify reports a part a committed backup references that has no row, as a prune beside a commit once left it', async () => {
  const { owner, handset } = await seedOwner(center.store);
  const kept = await storePart(owner.id, 'kept');
  const lost = await storePart(owner.id, 'lost');
  const manifest = await storePart(owner.id, 'manifest');
  // openWithParts records a manifest of its own, without a blob: it is not referenced.
  const { backup, manifest: unused } = await openWithParts(center.store, handset, []);
  await center.store.parts.remove(owner.id, unused.id);
  await center.store.backups.commit({
    backupId: backup.id,
    ownerId: owner.id,
    committedAt: at(5),
    manifest,
    parts: [kept, lost],
    files: [],
  });
  await center.store.parts.remove(owner.id, lost.id);
  await rm(blobPath(owner.id, lost));
  const report = await verifyStore(center.store, center.blobs);
  assert.deepEqual(report.damaged, [{ ownerId: owner.id, id: lost.id, reason: 'unrecorded', backups: [backup.id] }]);
});

test('prune sweeps blobs without a row once they are old: crash leftovers, superseded bytes, legacy blobs of gone parts', async () => {
  const { owner } = await seedOwner(center.store);
  const part = await storePart(owner.id, 'recorded');
  const dir = join(center.blobRoot, owner.id, part.id.slice(0, 2));
  const leftover = { ownerId: owner.id, id: sha256('id:leftover'), sha256: sha256('leftover bytes') };
  const superseded = { ownerId: owner.id, id: part.id, sha256: sha256('older bytes of the recorded part') };
  const goneLegacy = { ownerId: owner.id, id: sha256('id:gone'), sha256: null };
  const keptLegacy = { ownerId: owner.id, id: part.id, sha256: null };
  const fresh = { ownerId: owner.id, id: sha256('id:in flight'), sha256: sha256('in flight') };
  for (const name of [leftover, superseded, fresh]) await center.blobs.put(name, new TextEncoder().encode('x'));
  for (const name of [goneLegacy, keptLegacy]) {
    await mkdir(join(center.blobRoot, owner.id, name.id.slice(0, 2)), { recursive: true });
    await writeFile(join(center.blobRoot, owner.id, name.id.slice(0, 2), name.id), 'legacy');
  }
  const old = new Date(Date.now() - 2 * 3600_000);
  for (const name of [leftover, superseded, goneLegacy, keptLegacy]) {
    const file = name.sha256 ? `${name.id}.${name.sha256}` : name.id;
    await utimes(join(center.blobRoot, owner.id, name.id.slice(0, 2), file), old, old);
  }
  await utimes(blobPath(owner.id, part), old, old);

  const report = await prune(center.store, center.blobs, { olderThan: at(0), staleOpenBefore: at(0) });
  assert.equal(report.removedBlobs, 3);
  assert.deepEqual((await readdir(dir)).sort(), [part.id, `${part.id}.${part.sha256}`].sort(), "the row's blob and its legacy blob stay");
  assert.equal(await center.blobs.has(owner.id, leftover.id), false);
  assert.equal(await center.blobs.has(owner.id, goneLegacy.id), false);
  assert.equal(await center.blobs.has(owner.id, fresh.id), true, 'a young blob may be an upload about to record its row');
});

test('a legacy blob (named by part id only) is read and verified, and pruned with its part', async () => {
  const { owner } = await seedOwner(center.store);
  const bytes = new TextEncoder().encode('written by an older center');
  const part = { id: sha256('id:legacy'), size: bytes.byteLength, sha256: sha256(bytes) };
  await mkdir(join(center.blobRoot, owner.id, part.id.slice(0, 2)), { recursive: true });
  await writeFile(join(center.blobRoot, owner.id, part.id.slice(0, 2), part.id), bytes);
  await center.store.parts.record(owner.id, part, at(1));
  assert.deepEqual(await center.blobs.get({ ownerId: owner.id, ...part }), bytes);
  assert.deepEqual(await verifyStore(center.store, center.blobs), {
    checked: 1,
    damaged: [],
    bytes: bytes.byteLength,
    database: { status: 'ok', detail: 'PRAGMA integrity_check: ok' },
  });
  const report = await prune(center.store, center.blobs, { olderThan: at(30), staleOpenBefore: at(0) });
  assert.equal(report.removedParts, 1);
  assert.equal(await center.blobs.has(owner.id, part.id), false);
});

test("verify runs SQLite's integrity check and reports what it finds", async () => {
  const { owner } = await seedOwner(center.store);
  for (const content of ['one', 'two', 'three']) await storePart(owner.id, content);
  const clean = await verifyStore(center.store, center.blobs);
  assert.deepEqual(clean.database, { status: 'ok', detail: 'PRAGMA integrity_check: ok' });

  // An index that no longer matches its table, as a damaged disk page would leave it.
  await center.store.close();
  const raw = new DatabaseSync(center.dbFile, { defensive: false });
  raw.exec(
    "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = 'CREATE INDEX parts_created ON parts(sha256)' WHERE name = 'parts_created'; PRAGMA writable_schema = OFF;",
  );
  raw.close();
  center.store = await openStore(`sqlite:${center.dbFile}`);
  const damaged = await verifyStore(center.store, center.blobs);
  assert.equal(damaged.database?.status, 'damaged');
  assert.match(damaged.database?.detail ?? '', /missing from index parts_created/);
});

test('prune with no grace period still leaves a young blob without a row: its upload may be about to record it', async () => {
  const { owner } = await seedOwner(center.store);
  const young = { ownerId: owner.id, id: sha256('id:young'), sha256: sha256('young bytes') };
  await center.blobs.put(young, new TextEncoder().encode('young bytes'));
  const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
  await utimes(join(center.blobRoot, owner.id, young.id.slice(0, 2), `${young.id}.${young.sha256}`), tenMinutesAgo, tenMinutesAgo);
  const report = await prune(center.store, center.blobs, { olderThan: at(0), staleOpenBefore: at(0), files: { graceMs: 0 } });
  assert.equal(report.removedBlobs, 0);
  assert.equal(await center.blobs.has(owner.id, young.id), true);
});
