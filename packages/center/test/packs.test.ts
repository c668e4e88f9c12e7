/**
 * Packs (storage-format.md, "Packs"), on SQLite and on PostgreSQL: small
 * parts of one batch share one pack whose rows commit in one transaction; a
 * part another upload recorded first keeps its row and the losing pack goes
 * at once; verify reads packs and names a damaged part with the backups that
 * need it; prune repacks a mostly dead pack, sweeps packs no row names once
 * old, and leaves a young one (an upload whose rows may be on their way).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { flipByte, packFile, pgDatabase, tempDir } from '@phonesafe/testkit';
import { readPacked } from '../src/blobs/blob-store.ts';
import { LocalBlobStore } from '../src/blobs/local-blob-store.ts';
import { storePacked } from '../src/backup/part-packer.ts';
import { openStore, type Store } from '../src/center-store.ts';
import { prune } from '../src/maintenance/prune.ts';
import { verifyStore } from '../src/maintenance/verify.ts';
import { at, openWithParts, seedOwner, sha256 } from './store-fixtures.ts';

function sealedLike(size: number) {
  const bytes = new Uint8Array(randomBytes(size));
  return { ref: { id: sha256(randomBytes(16)), size, sha256: sha256(bytes) }, bytes };
}

async function packsOnDisk(blobs: LocalBlobStore): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of blobs.listPacks()) found.push(entry.packId);
  return found.sort();
}

async function story(t: TestContext, store: Store): Promise<void> {
  const root = await tempDir(t, 'packs');
  const blobRoot = join(root, 'blobs');
  const blobs = new LocalBlobStore(blobRoot);
  const deps = { parts: store.parts, blobs, clock: { now: () => new Date(at(1)) } };
  const { owner, handset } = await seedOwner(store);
  const [a, b, c] = [sealedLike(10), sealedLike(20), sealedLike(4000)];

  const acks = await storePacked(deps, owner.id, [a, b, c]);
  assert.deepEqual(
    acks.map((x) => x.stored),
    ['new', 'new', 'new'],
  );
  const rows = await Promise.all([a, b, c].map((p) => store.parts.find(owner.id, p.ref.id)));
  const packId = rows[0]!.pack!.id;
  assert.ok(rows.every((row) => row?.pack?.id === packId));
  for (const [i, p] of [a, b, c].entries()) {
    assert.deepEqual(await readPacked(blobs, owner.id, rows[i]!.pack!, p.ref.size), p.bytes);
  }

  // Another upload of `a` with other bytes: the first row stays, and the pack that lost every row is gone at once.
  const again = { ref: { ...a.ref, sha256: sha256('other bytes') }, bytes: new TextEncoder().encode('other bytes') };
  again.ref.size = again.bytes.length;
  assert.deepEqual(await storePacked(deps, owner.id, [again]), [{ ack: a.ref, stored: 'existing' }]);
  assert.deepEqual(await packsOnDisk(blobs), [packId]);

  const { backup, manifest } = await openWithParts(store, handset, []);
  await store.parts.remove(owner.id, manifest.id);
  await store.backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(5), manifest: a.ref, parts: [b.ref], files: [] });
  const clean = await verifyStore(store, blobs);
  assert.deepEqual([clean.checked, clean.damaged, clean.bytes], [3, [], 4030]);

  // A pack written by an upload whose rows never came (a crash), and prune two hours on by the files' clock.
  const orphan = await blobs.putPack(owner.id, [{ id: c.ref.id, sha256: c.ref.sha256, bytes: c.bytes }]);
  const later = { now: () => new Date(Date.now() + 2 * 3600_000) };
  const dry = await prune(store, blobs, { olderThan: at(30), staleOpenBefore: at(0), dryRun: true, files: { clock: later } });
  assert.deepEqual([dry.removedParts, dry.repackedPacks, dry.removedPacks], [1, 0, 1], 'c still counts as live before the real run');
  assert.deepEqual((await packsOnDisk(blobs)).length, 2, 'the dry run deleted nothing');
  const report = await prune(store, blobs, { olderThan: at(30), staleOpenBefore: at(0), files: { clock: later } });
  assert.deepEqual([report.removedParts, report.removedBytes, report.repackedPacks, report.removedPacks], [1, 4000, 1, 2]);
  const moved = await Promise.all([a, b].map((p) => store.parts.find(owner.id, p.ref.id)));
  const newPack = moved[0]!.pack!.id;
  assert.notEqual(newPack, packId);
  assert.deepEqual(await packsOnDisk(blobs), [newPack]);
  assert.ok(!(await packsOnDisk(blobs)).includes(orphan.packId));
  for (const [i, p] of [a, b].entries()) assert.deepEqual(await readPacked(blobs, owner.id, moved[i]!.pack!, p.ref.size), p.bytes);
  assert.deepEqual((await verifyStore(store, blobs)).damaged, []);

  // A young pack no row names stays: its upload may be about to record its rows.
  const young = await blobs.putPack(owner.id, [{ id: c.ref.id, sha256: c.ref.sha256, bytes: c.bytes }]);
  assert.equal((await prune(store, blobs, { olderThan: at(30), staleOpenBefore: at(0) })).removedPacks, 0);
  assert.ok((await packsOnDisk(blobs)).includes(young.packId));

  // One flipped byte inside the pack: verify names the part and the backup that needs it, and marks it.
  await flipByte(packFile(blobRoot, owner.id, newPack), moved[1]!.pack!.offset + 5);
  const damaged = await verifyStore(store, blobs);
  assert.deepEqual(damaged.damaged, [{ ownerId: owner.id, id: b.ref.id, reason: 'hash-mismatch', backups: [backup.id] }]);
  assert.equal((await store.parts.find(owner.id, b.ref.id))?.damaged, true);
  assert.equal((await store.parts.find(owner.id, a.ref.id))?.damaged, false);
}

describe('packs', () => {
  it('on SQLite', async (t) => {
    const dir = await tempDir(t, 'packs-db');
    const store = await openStore(`sqlite:${join(dir, 'center.db')}`);
    t.after(() => store.close());
    await story(t, store);
  });

  it('on PostgreSQL', async (t) => {
    const database = await pgDatabase(t);
    const store = await openStore(database.url);
    t.after(() => store.close());
    await story(t, store);
  });
});
