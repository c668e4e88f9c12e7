/** The backup part of the Store contract, above all the all-or-nothing commit. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PartRef } from '@phonesafe/protocol';
import type { CommitInput } from '../src/backup/backup-repo.ts';
import type { Store } from '../src/center-store.ts';
import { rejectsWith } from './store-conformance.ts';
import { at, backupRow, openWithParts, partRef, seedOwner, uid } from './store-fixtures.ts';

export function registerBackupConformance(getStore: () => Store): void {
  describe('backups', () => {
    /** An open backup with three recorded parts and a commit input that is valid for it. */
    async function ready(committedAt = at(4)) {
      const store = getStore();
      const seeded = await seedOwner(store);
      const parts = [partRef(uid('a'), 10), partRef(uid('b'), 20), partRef(uid('c'), 30)];
      const { backup, manifest } = await openWithParts(store, seeded.handset, parts);
      const input: CommitInput = {
        backupId: backup.id,
        ownerId: seeded.owner.id,
        committedAt,
        manifest,
        parts,
        files: [
          { ref: 'f2', size: 25, parts: [parts[1]!.id] },
          { ref: 'f1', size: 35, parts: [parts[0]!.id, parts[2]!.id] },
        ],
      };
      return { store, ...seeded, parts, backup, manifest, input };
    }

    /** The backup is still open and has no files or part references. */
    async function assertUntouched(store: Store, input: CommitInput): Promise<void> {
      assert.equal((await store.backups.find(input.ownerId, input.backupId))?.status, 'open');
      assert.deepEqual(await store.backups.files(input.backupId), []);
      assert.deepEqual(await store.backups.parts(input.backupId), []);
    }

    test('the kinds a backup covers completely come back as stored, null when not recorded', async () => {
      const store = getStore();
      const { handset } = await seedOwner(store);
      const known = backupRow(handset, { kinds: ['contacts', 'media'], complete: ['contacts'] });
      const unknown = backupRow(handset);
      await store.backups.open(known);
      await store.backups.open(unknown);
      assert.deepEqual((await store.backups.find(handset.ownerId, known.id))?.complete, ['contacts']);
      assert.equal((await store.backups.find(handset.ownerId, unknown.id))?.complete, null);
    });

    test('an open backup is found by its owner only and never listed', async () => {
      const { store, owner, backup } = await ready();
      assert.deepEqual(await store.backups.find(owner.id, backup.id), backup);
      assert.equal(await store.backups.find((await seedOwner(store)).owner.id, backup.id), undefined);
      assert.deepEqual(await store.backups.listCommitted(owner.id), []);
    });

    test('commit writes files in order, references every part and the manifest, and sets counts', async () => {
      const { store, owner, backup, parts, manifest, input } = await ready();
      const committed = await store.backups.commit(input);
      const expected = {
        ...backup,
        status: 'committed' as const,
        committedAt: at(4),
        fileCount: 2,
        storedBytes: 60 + manifest.size,
        manifest,
      };
      assert.deepEqual(committed, expected);
      assert.deepEqual(await store.backups.find(owner.id, backup.id), expected);
      assert.deepEqual(await store.backups.files(backup.id), input.files);
      const byId = (a: PartRef, b: PartRef) => (a.id < b.id ? -1 : 1);
      assert.deepEqual(await store.backups.parts(backup.id), [...parts, manifest].sort(byId));
      assert.deepEqual(await store.backups.listCommitted(owner.id), [expected]);
    });

    test('a part listed twice is referenced and counted once', async () => {
      const { store, parts, manifest, input } = await ready();
      const committed = await store.backups.commit({ ...input, parts: [...parts, parts[0]!, manifest] });
      assert.equal(committed.storedBytes, 60 + manifest.size);
      assert.equal((await store.backups.parts(input.backupId)).length, 4);
    });

    test('a second commit is BACKUP_NOT_OPEN and changes nothing', async () => {
      const { store, input } = await ready();
      const first = await store.backups.commit(input);
      await rejectsWith(store.backups.commit({ ...input, committedAt: at(50), files: [] }), 'BACKUP_NOT_OPEN');
      assert.deepEqual(await store.backups.find(input.ownerId, input.backupId), first);
      assert.deepEqual(await store.backups.files(input.backupId), input.files);
    });

    test('of two racing commits exactly one wins; the other is BACKUP_NOT_OPEN', async () => {
      const { store, input } = await ready();
      const results = await Promise.allSettled([store.backups.commit(input), store.backups.commit(input)]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const loser = results.find((r) => r.status === 'rejected');
      assert.equal((loser?.reason as { code?: string } | undefined)?.code, 'BACKUP_NOT_OPEN');
      assert.deepEqual(await store.backups.files(input.backupId), input.files);
    });

    test('a missing part is PART_MISSING, naming it, and nothing is written', async () => {
      const { store, input } = await ready();
      const absent = partRef(uid('absent'));
      const extra = await rejectsWith(store.backups.commit({ ...input, parts: [...input.parts, absent] }), 'PART_MISSING');
      assert.deepEqual(extra['missing'], [absent.id]);
      await assertUntouched(store, input);
    });

    test("another owner's part counts as missing", async () => {
      const { store, input } = await ready();
      const stranger = await seedOwner(store);
      const foreign = partRef(uid('foreign'));
      await store.parts.record(stranger.owner.id, foreign, at(1));
      const extra = await rejectsWith(store.backups.commit({ ...input, parts: [...input.parts, foreign] }), 'PART_MISSING');
      assert.deepEqual(extra['missing'], [foreign.id]);
      await assertUntouched(store, input);
    });

    test('an unstored manifest is PART_MISSING', async () => {
      const { store, input } = await ready();
      const manifest = partRef(uid('no-manifest'));
      const extra = await rejectsWith(store.backups.commit({ ...input, manifest }), 'PART_MISSING');
      assert.deepEqual(extra['missing'], [manifest.id]);
      await assertUntouched(store, input);
    });

    test('a wrong size or hash is END_NOTICE_MISMATCH, naming the parts', async () => {
      const { store, parts, input } = await ready();
      const wrong = [{ ...parts[0]!, size: 11 }, { ...parts[1]!, sha256: '0'.repeat(64) }, parts[2]!];
      const extra = await rejectsWith(store.backups.commit({ ...input, parts: wrong }), 'END_NOTICE_MISMATCH');
      assert.deepEqual(extra['mismatched'], [parts[0]!.id, parts[1]!.id]);
      await assertUntouched(store, input);
    });

    test('a file naming an unlisted part is END_NOTICE_MISMATCH', async () => {
      const { store, parts, input } = await ready();
      const extra = await rejectsWith(store.backups.commit({ ...input, parts: parts.slice(1) }), 'END_NOTICE_MISMATCH');
      assert.deepEqual(extra['mismatched'], [parts[0]!.id]);
      await assertUntouched(store, input);
    });

    test("committing another owner's backup is NOT_FOUND and leaves it open", async () => {
      const { store, input } = await ready();
      const stranger = await seedOwner(store);
      await rejectsWith(store.backups.commit({ ...input, ownerId: stranger.owner.id }), 'NOT_FOUND');
      await assertUntouched(store, input);
    });

    test('a commit of thousands of parts and files goes through', async () => {
      const store = getStore();
      const { owner, handset } = await seedOwner(store);
      const parts = Array.from({ length: 1234 }, (_, i) => partRef(uid(`p${i}`), i + 1));
      const { backup, manifest } = await openWithParts(store, handset, parts);
      const files = parts.map((p, i) => ({ ref: `r${i}`, size: p.size, parts: [p.id] }));
      const committed = await store.backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(9), manifest, parts, files });
      assert.equal(committed.fileCount, 1234);
      assert.equal(committed.storedBytes, (1234 * 1235) / 2 + manifest.size);
      assert.deepEqual(await store.backups.files(backup.id), files);
      assert.equal((await store.backups.parts(backup.id)).length, 1235);
    });

    test('listCommitted is newest first, per owner, and narrows by handset', async () => {
      const store = getStore();
      const { owner, handset } = await seedOwner(store);
      const second = { ...handset, id: uid('handset'), name: uid('phone') };
      await store.handsets.create(second);
      const commitAt = async (h: typeof handset, minute: number) => {
        const { backup, manifest } = await openWithParts(store, h, []);
        await store.backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(minute), manifest, parts: [], files: [] });
        return backup.id;
      };
      const middle = await commitAt(handset, 20);
      const newest = await commitAt(second, 30);
      const oldest = await commitAt(handset, 10);
      await store.backups.open(backupRow(handset));
      assert.deepEqual(
        (await store.backups.listCommitted(owner.id)).map((b) => b.id),
        [newest, middle, oldest],
      );
      assert.deepEqual(
        (await store.backups.listCommitted(owner.id, handset.id)).map((b) => b.id),
        [middle, oldest],
      );
      assert.deepEqual((await store.backups.listCommitted(owner.id, second.id))[0]?.handsetName, second.name);
      assert.deepEqual(await store.backups.listCommitted((await seedOwner(store)).owner.id), []);
    });

    test("remove deletes a backup and its references, never another owner's", async () => {
      const { store, owner, input } = await ready();
      await store.backups.commit(input);
      assert.equal(await store.backups.remove((await seedOwner(store)).owner.id, input.backupId), false);
      assert.ok(await store.backups.find(owner.id, input.backupId));
      assert.equal(await store.backups.remove(owner.id, input.backupId), true);
      assert.equal(await store.backups.find(owner.id, input.backupId), undefined);
      assert.deepEqual(await store.backups.files(input.backupId), []);
      assert.deepEqual(await store.backups.parts(input.backupId), []);
      assert.equal(await store.backups.remove(owner.id, input.backupId), false);
    });

    test('listStaleOpen lists open backups started before the cut-off', async () => {
      const store = getStore();
      const { handset } = await seedOwner(store);
      const stale = backupRow(handset, { startedAt: '2001-01-01T00:00:00.000Z' });
      const boundary = backupRow(handset, { startedAt: '2001-01-02T00:00:00.000Z' });
      await store.backups.open(stale);
      await store.backups.open(boundary);
      const committed = await openWithParts(store, handset, [], { startedAt: '2001-01-01T00:00:00.000Z' });
      await store.backups.commit({
        backupId: committed.backup.id,
        ownerId: handset.ownerId,
        committedAt: at(1),
        manifest: committed.manifest,
        parts: [],
        files: [],
      });
      const listed = (await store.backups.listStaleOpen(boundary.startedAt)).filter((b) => b.handsetId === handset.id);
      assert.deepEqual(listed, [stale]);
    });
  });
}
