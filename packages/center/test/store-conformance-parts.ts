/** Store conformance: what prune, verify and the part service's fence rely on (PartRepo). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../src/center-store.ts';
import { rejectsWith } from './store-conformance.ts';
import { at, openWithParts, partRef, seedOwner, uid } from './store-fixtures.ts';

export function registerPartConformance(s: () => Store): void {
  describe('parts: prune, fence, references', () => {
    const mine = async (ownerId: string, olderThan: string) =>
      (await s().parts.listUnreferenced(olderThan))
        .filter((p) => p.ownerId === ownerId)
        .map((p) => p.id)
        .sort();

    test('touch brings stale rows to now and leaves fresh ones; a touched part is no prune candidate until it is old again', async () => {
      const { owner } = await seedOwner(s());
      const [stale, fresh] = [partRef(uid('stale')), partRef(uid('fresh'))];
      await s().parts.record(owner.id, stale, at(1));
      await s().parts.record(owner.id, fresh, at(9));
      await s().parts.touch(owner.id, [stale.id, fresh.id, partRef(uid('unknown')).id], at(5), at(10));
      assert.deepEqual(await mine(owner.id, at(10)), [fresh.id], 'the stale one is fresh now, and fresh was not touched');
      assert.deepEqual(await mine(owner.id, at(11)), [stale.id, fresh.id].sort());
      // A second touch within the bound writes nothing: used_at stays at minute 10.
      await s().parts.touch(owner.id, [stale.id], at(5), at(12));
      assert.deepEqual(await mine(owner.id, at(11)), [stale.id, fresh.id].sort());
    });

    test('removeIfUnreferenced deletes an old unreferenced part and answers its row; referenced, recent, used or gone ones stay', async () => {
      const { owner, handset } = await seedOwner(s());
      const used = partRef(uid('used'));
      const { backup, manifest } = await openWithParts(s(), handset, [used]);
      const [orphan, recent, touched] = [partRef(uid('orphan')), partRef(uid('recent')), partRef(uid('touched'))];
      await s().parts.record(owner.id, orphan, at(3));
      await s().parts.record(owner.id, recent, at(9));
      await s().parts.record(owner.id, touched, at(3));
      await s().parts.touch(owner.id, [touched.id], at(9), at(9));
      await s().backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(4), manifest, parts: [used], files: [] });
      for (const kept of [used, manifest, recent, touched])
        assert.equal(await s().parts.removeIfUnreferenced(owner.id, kept.id, at(9)), undefined);
      assert.deepEqual(await s().parts.removeIfUnreferenced(owner.id, orphan.id, at(9)), { ...orphan, packId: null });
      assert.equal(await s().parts.find(owner.id, orphan.id), undefined);
      assert.equal(await s().parts.removeIfUnreferenced(owner.id, orphan.id, at(9)), undefined, 'already gone');
      for (const kept of [used, manifest, recent, touched]) assert.ok(await s().parts.find(owner.id, kept.id));
    });

    test('removeIfUnreferenced counts references of this owner only', async () => {
      const a = await seedOwner(s());
      const b = await seedOwner(s());
      const shared = partRef(uid('shared'));
      await s().parts.record(a.owner.id, shared, at(1));
      const { backup, manifest } = await openWithParts(s(), b.handset, [shared]);
      await s().backups.commit({ backupId: backup.id, ownerId: b.owner.id, committedAt: at(4), manifest, parts: [shared], files: [] });
      assert.deepEqual(await s().parts.removeIfUnreferenced(a.owner.id, shared.id, at(9)), { ...shared, packId: null });
      assert.ok(await s().parts.find(b.owner.id, shared.id));
    });

    test('listReferencedUnrecorded names parts committed backups reference that have no row', async () => {
      const { owner, handset } = await seedOwner(s());
      const [kept, lost] = [partRef(uid('kept')), partRef(uid('lost'))];
      const { backup, manifest } = await openWithParts(s(), handset, [kept, lost]);
      await s().backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(4), manifest, parts: [kept, lost], files: [] });
      const ofOwner = async () => (await s().parts.listReferencedUnrecorded(1000)).filter((p) => p.ownerId === owner.id);
      assert.deepEqual(await ofOwner(), []);
      await s().parts.remove(owner.id, lost.id);
      assert.deepEqual(await ofOwner(), [{ ownerId: owner.id, id: lost.id, backupId: backup.id }]);
    });

    test('markDamaged and clearDamaged change a row only while it records that hash; a damaged part is missing to a commit', async () => {
      const { owner, handset } = await seedOwner(s());
      const part = partRef(uid('p'));
      const { backup, manifest } = await openWithParts(s(), handset, [part]);
      assert.equal(await s().parts.markDamaged(owner.id, part.id, 'f'.repeat(64)), false, 'another hash: a repair replaced it');
      assert.equal(await s().parts.markDamaged(owner.id, part.id, part.sha256), true);
      assert.equal(await s().parts.markDamaged(owner.id, part.id, part.sha256), false, 'already marked');
      assert.deepEqual(await s().parts.find(owner.id, part.id), { ...part, damaged: true, pack: null });
      assert.deepEqual((await s().parts.findStored(owner.id, [part.id]))[0]?.damaged, true);
      const extra = await rejectsWith(
        s().backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(5), manifest, parts: [part], files: [] }),
        'PART_MISSING',
      );
      assert.deepEqual(extra['missing'], [part.id]);
      assert.equal(await s().parts.clearDamaged(owner.id, part.id, part.sha256), true);
      assert.equal(await s().parts.clearDamaged(owner.id, part.id, part.sha256), false);
      await s().backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(5), manifest, parts: [part], files: [] });
    });

    test('repair replaces size and hash of a damaged row once, and a touch of it counts', async () => {
      const { owner } = await seedOwner(s());
      const part = partRef(uid('p'));
      await s().parts.record(owner.id, part, at(1));
      const fresh = { id: part.id, size: part.size + 3, sha256: 'a'.repeat(64) };
      assert.equal(await s().parts.repair(owner.id, part.sha256, fresh, at(20)), false, 'not damaged');
      await s().parts.markDamaged(owner.id, part.id, part.sha256);
      assert.equal(await s().parts.repair(owner.id, part.sha256, fresh, at(20)), true);
      assert.equal(
        await s().parts.repair(owner.id, part.sha256, { ...fresh, sha256: 'b'.repeat(64) }, at(20)),
        false,
        'the second repair loses',
      );
      assert.deepEqual(await s().parts.find(owner.id, part.id), { ...fresh, damaged: false, pack: null });
      assert.deepEqual(await mine(owner.id, at(20)), [], 'repaired at minute 20: in use');
    });
  });

  describe('quota: limits, open rescue saves, the last notice', () => {
    test('an owner has a quota override and a limit of its own, each null until set', async () => {
      const { owner } = await seedOwner(s());
      assert.deepEqual([await s().owners.quotaBytes(owner.id), await s().owners.quotaLimitBytes(owner.id)], [null, null]);
      await s().owners.setQuotaBytes(owner.id, 2 ** 40);
      await s().owners.setQuotaLimitBytes(owner.id, 5 * 2 ** 30);
      assert.deepEqual([await s().owners.quotaBytes(owner.id), await s().owners.quotaLimitBytes(owner.id)], [2 ** 40, 5 * 2 ** 30]);
      await s().owners.setQuotaLimitBytes(owner.id, null);
      assert.equal(await s().owners.quotaLimitBytes(owner.id), null);
    });

    test('hasOpen: an open backup of this handset with this trigger; committed or other triggers do not count', async () => {
      const { owner, handset } = await seedOwner(s());
      assert.equal(await s().backups.hasOpen(handset.id, 'rescue'), false);
      const { backup, manifest } = await openWithParts(s(), handset, [], { trigger: 'rescue' });
      await openWithParts(s(), handset, [], { trigger: 'manual' });
      assert.equal(await s().backups.hasOpen(handset.id, 'rescue'), true);
      await s().backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(5), manifest, parts: [], files: [] });
      assert.equal(await s().backups.hasOpen(handset.id, 'rescue'), false);
      assert.equal(await s().backups.hasOpen(handset.id, 'manual'), true);
    });

    test('lastAt answers the time of the newest notice of a kind for the owner', async () => {
      const { owner } = await seedOwner(s());
      const other = await seedOwner(s());
      assert.equal(await s().notices.lastAt(owner.id, 'over-quota'), undefined);
      for (const [minute, kind, ownerId] of [
        [3, 'over-quota', owner.id],
        [7, 'over-quota', owner.id],
        [9, 'backup-made', owner.id],
        [11, 'over-quota', other.owner.id],
      ] as const) {
        await s().notices.add({ id: uid('n'), ownerId, handsetId: null, kind, message: 'm', at: at(minute) });
      }
      assert.equal(await s().notices.lastAt(owner.id, 'over-quota'), at(7));
    });
  });
}
