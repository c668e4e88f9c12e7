/**
 * The contract of `Store` (src/center-store.ts and each capability's -repo.ts), run against every adapter.
 * Each dialect's entry file calls `registerStoreConformance` with a factory
 * for an empty, migrated store; tests share it and stay apart by using fresh
 * owners, which is itself the owner-scoping contract under test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../src/center-store.ts';
import { registerBackupConformance } from './store-conformance-backups.ts';
import { registerJobConformance } from './store-conformance-jobs.ts';
import { registerPartConformance } from './store-conformance-parts.ts';
import { registerNoticeMailConformance } from './store-conformance-notice-mail.ts';
import { registerRescueConformance } from './store-conformance-rescue.ts';
import { at, handsetRow, openWithParts, ownerRow, partRef, seedOwner, uid } from './store-fixtures.ts';

export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** Asserts that `promise` rejects with a PhoneSafeError of `code`; returns its `extra`. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<Readonly<Record<string, unknown>>> {
  let extra: Readonly<Record<string, unknown>> = {};
  await assert.rejects(promise, (error: { code?: string; extra?: Record<string, unknown> }) => {
    assert.equal(error.code, code);
    extra = error.extra ?? {};
    return true;
  });
  return extra;
}

export function registerStoreConformance(name: string, makeStore: MakeStore): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const s = () => store;
    before(async () => ({ store, cleanup } = await makeStore()));
    after(async () => cleanup());

    test('migrate is idempotent', async () => {
      await store.migrate();
      await store.migrate();
    });

    test('ping answers, and the integrity check of a sound database is ok', async () => {
      await store.ping();
      assert.equal((await store.checkIntegrity()).status, 'ok');
    });

    describe('owners', () => {
      test('create then find by e-mail and id, KDF params intact', async () => {
        const owner = ownerRow();
        await store.owners.create(owner);
        assert.deepEqual(await store.owners.findByEmail(owner.email), owner);
        assert.deepEqual(await store.owners.findById(owner.id), owner);
        assert.equal(await store.owners.findById(uid('owner')), undefined);
      });

      test('a taken e-mail is OWNER_EXISTS and stores nothing', async () => {
        const owner = ownerRow();
        await store.owners.create(owner);
        const twin = ownerRow({ email: owner.email });
        await rejectsWith(store.owners.create(twin), 'OWNER_EXISTS');
        assert.equal(await store.owners.findById(twin.id), undefined);
      });

      test('tokens are found by id and only expired ones are deleted', async () => {
        const { owner } = await seedOwner(store);
        const expired = { id: uid('tok'), ownerId: owner.id, secretHash: 'a', expiresAt: at(10) };
        const boundary = { id: uid('tok'), ownerId: owner.id, secretHash: 'b', expiresAt: at(20) };
        const live = { id: uid('tok'), ownerId: owner.id, secretHash: 'c', expiresAt: at(21) };
        for (const token of [expired, boundary, live]) await store.owners.addToken(token);
        assert.deepEqual(await store.owners.findToken(live.id), { ownerId: owner.id, secretHash: 'c', expiresAt: at(21) });
        assert.ok((await store.owners.deleteExpiredTokens(at(20))) >= 2);
        assert.equal(await store.owners.findToken(expired.id), undefined);
        assert.equal(await store.owners.findToken(boundary.id), undefined);
        assert.ok(await store.owners.findToken(live.id));
      });

      test('deleteToken ends one token, idempotently', async () => {
        const { owner } = await seedOwner(store);
        const [a, b] = [uid('tok'), uid('tok')];
        for (const id of [a, b]) await store.owners.addToken({ id, ownerId: owner.id, secretHash: 'h', expiresAt: at(50) });
        await store.owners.deleteToken(a);
        await store.owners.deleteToken(a);
        assert.equal(await store.owners.findToken(a), undefined);
        assert.ok(await store.owners.findToken(b));
      });

      test('changeSecrets replaces the secrets and ends the other tokens, only while the hash is the one checked', async () => {
        const { owner } = await seedOwner(store);
        const other = await seedOwner(store);
        const [mine, stale, theirs] = [uid('tok'), uid('tok'), uid('tok')];
        await store.owners.addToken({ id: mine, ownerId: owner.id, secretHash: 'h', expiresAt: at(50) });
        await store.owners.addToken({ id: stale, ownerId: owner.id, secretHash: 'h', expiresAt: at(50) });
        await store.owners.addToken({ id: theirs, ownerId: other.owner.id, secretHash: 'h', expiresAt: at(50) });
        const kdf = { algorithm: 'scrypt' as const, salt: 'bmV3c2FsdG5ld3NhbHRuZXc=', N: 16384, r: 8, p: 1 };
        const change = {
          ownerId: owner.id,
          expectedAuthHash: owner.authHash,
          authHash: 'scrypt$new',
          kdf,
          wrappedDataKey: 'bmV3',
          keepTokenId: mine,
        };
        assert.equal(await store.owners.changeSecrets(change), 1);
        assert.deepEqual(await store.owners.findById(owner.id), { ...owner, authHash: 'scrypt$new', kdf, wrappedDataKey: 'bmV3' });
        assert.deepEqual(
          [!!(await store.owners.findToken(mine)), !!(await store.owners.findToken(stale)), !!(await store.owners.findToken(theirs))],
          [true, false, true],
        );
        // A second change checked against the old hash lost the race: nothing changes.
        assert.equal(await store.owners.changeSecrets({ ...change, authHash: 'scrypt$late', keepTokenId: stale }), undefined);
        assert.equal((await store.owners.findById(owner.id))?.authHash, 'scrypt$new');
        assert.ok(await store.owners.findToken(mine));
      });
    });

    describe('handsets', () => {
      test('create, find by id and name, list by owner, touch', async () => {
        const { owner, handset } = await seedOwner(store);
        const second = handsetRow(owner.id, { enrolledAt: at(5) });
        await store.handsets.create(second);
        assert.deepEqual(await store.handsets.findById(handset.id), handset);
        assert.deepEqual(await store.handsets.findByName(owner.id, second.name), second);
        assert.deepEqual(await store.handsets.listByOwner(owner.id), [handset, second]);
        await store.handsets.touch(handset.id, at(30));
        assert.equal((await store.handsets.findById(handset.id))?.lastSeenAt, at(30));
      });

      test('names are unique per owner only', async () => {
        const a = await seedOwner(store);
        const b = await seedOwner(store);
        await rejectsWith(store.handsets.create(handsetRow(a.owner.id, { name: a.handset.name })), 'HANDSET_NAME_TAKEN');
        await store.handsets.create(handsetRow(b.owner.id, { name: a.handset.name }));
        assert.equal(await store.handsets.findByName(b.owner.id, b.handset.name + 'x'), undefined);
        assert.equal(await store.handsets.findByName(a.owner.id, b.handset.name), undefined);
        assert.equal((await store.handsets.listByOwner(a.owner.id)).length, 1);
      });
    });

    describe('parts', () => {
      test('record is idempotent and owner-scoped', async () => {
        const a = await seedOwner(store);
        const b = await seedOwner(store);
        const part = partRef(uid('p'));
        assert.equal(await store.parts.record(a.owner.id, part, at(1)), 'new');
        assert.equal(await store.parts.record(a.owner.id, part, at(2)), 'existing');
        assert.deepEqual(await store.parts.find(a.owner.id, part.id), { ...part, damaged: false, pack: null });
        assert.equal(await store.parts.find(b.owner.id, part.id), undefined);
        assert.equal(await store.parts.record(b.owner.id, part, at(2)), 'new');
      });

      test('same id with other bytes is PART_CONFLICT and keeps the first', async () => {
        const { owner } = await seedOwner(store);
        const part = partRef(uid('p'));
        await store.parts.record(owner.id, part, at(1));
        const extra = await rejectsWith(store.parts.record(owner.id, { ...part, sha256: 'f'.repeat(64) }, at(2)), 'PART_CONFLICT');
        assert.equal(extra['id'], part.id);
        assert.deepEqual(await store.parts.find(owner.id, part.id), { ...part, damaged: false, pack: null });
      });

      test('findStored answers refs of one owner only, and takes thousands of ids', async () => {
        const a = await seedOwner(store);
        const b = await seedOwner(store);
        const parts = Array.from({ length: 1203 }, (_, i) => partRef(uid(`p${i}`)));
        for (const [i, part] of parts.entries()) await store.parts.record(i % 3 === 0 ? b.owner.id : a.owner.id, part, at(1));
        const ids = parts.map((p) => p.id).reverse();
        const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);
        const expected = parts
          .filter((_, i) => i % 3 !== 0)
          .map((p) => ({ ...p, damaged: false, pack: null }))
          .sort(byId);
        assert.deepEqual((await store.parts.findStored(a.owner.id, ids)).sort(byId), expected);
        assert.deepEqual(await store.parts.findStored(a.owner.id, []), []);
      });

      test('totalBytes sums one owner, remove deletes one part', async () => {
        const a = await seedOwner(store);
        const b = await seedOwner(store);
        assert.equal(await store.parts.totalBytes(a.owner.id), 0);
        const big = partRef(uid('big'), 2 ** 40);
        const small = partRef(uid('small'), 5);
        await store.parts.record(a.owner.id, big, at(1));
        await store.parts.record(a.owner.id, small, at(1));
        await store.parts.record(b.owner.id, partRef(uid('other'), 7), at(1));
        assert.equal(await store.parts.totalBytes(a.owner.id), 2 ** 40 + 5);
        await store.parts.remove(b.owner.id, big.id);
        await store.parts.remove(a.owner.id, big.id);
        assert.equal(await store.parts.find(a.owner.id, big.id), undefined);
        assert.equal(await store.parts.totalBytes(a.owner.id), 5);
      });

      test('listAll pages through every part once, in key order', async () => {
        const owners = [await seedOwner(store), await seedOwner(store)];
        for (const { owner } of owners) {
          for (let i = 0; i < 3; i++) await store.parts.record(owner.id, partRef(uid('p')), at(1));
        }
        const seen: string[] = [];
        let afterKey: { ownerId: string; id: string } | null = null;
        for (;;) {
          const page = await store.parts.listAll(afterKey, 2);
          assert.ok(page.length <= 2);
          if (page.length === 0) break;
          for (const part of page) seen.push(`${part.ownerId}/${part.id}`);
          const last = page.at(-1)!;
          afterKey = { ownerId: last.ownerId, id: last.id };
        }
        assert.deepEqual(seen, [...seen].sort());
        assert.equal(new Set(seen).size, seen.length);
        for (const { owner } of owners) assert.equal(seen.filter((k) => k.startsWith(`${owner.id}/`)).length, 3);
      });

      test('listUnreferenced skips referenced and recent parts', async () => {
        const { owner, handset } = await seedOwner(store);
        const used = partRef(uid('used'));
        const { backup, manifest } = await openWithParts(store, handset, [used]);
        const orphan = partRef(uid('orphan'));
        const recent = partRef(uid('recent'));
        await store.parts.record(owner.id, orphan, at(3));
        await store.parts.record(owner.id, recent, at(9));
        const mine = async () =>
          (await store.parts.listUnreferenced(at(9)))
            .filter((p) => p.ownerId === owner.id)
            .map((p) => p.id)
            .sort();
        // Before the commit nothing references the backup's parts; the grace period protects them.
        assert.deepEqual(await mine(), [used.id, manifest.id, orphan.id].sort());
        await store.backups.commit({ backupId: backup.id, ownerId: owner.id, committedAt: at(4), manifest, parts: [used], files: [] });
        assert.deepEqual(await mine(), [orphan.id]);
        await store.backups.remove(owner.id, backup.id);
        assert.deepEqual(await mine(), [used.id, manifest.id, orphan.id].sort());
      });
    });

    registerPartConformance(s);
    registerBackupConformance(s);
    registerJobConformance(s);
    registerRescueConformance(s);
    registerNoticeMailConformance(s);

    describe('restores', () => {
      const orders = async () => {
        const { owner, handset } = await seedOwner(store);
        const base = {
          ownerId: owner.id,
          backupId: uid('backup'),
          handsetId: handset.id,
          status: 'pending' as const,
          completedAt: null,
          attempts: 0,
          lastCode: null,
          nextTryAt: null,
        };
        const later = {
          ...base,
          id: uid('restore'),
          kinds: null,
          deleteAfter: true,
          overwrite: 'yes' as const,
          placedBy: 'owner' as const,
          requestedAt: at(8),
        };
        const sooner = {
          ...base,
          id: uid('restore'),
          kinds: ['mail' as const],
          deleteAfter: false,
          overwrite: 'ask' as const,
          placedBy: null,
          requestedAt: at(7),
        };
        await store.restores.create(later);
        await store.restores.create(sooner);
        return { owner, handset, later, sooner };
      };

      test('create, find scoped, pending oldest first, complete once', async () => {
        const { owner, handset, later, sooner } = await orders();
        const other = await seedOwner(store);
        assert.deepEqual(await store.restores.find(owner.id, later.id), later);
        assert.equal(await store.restores.find(other.owner.id, later.id), undefined);
        assert.deepEqual(await store.restores.listPending(handset.id, at(9)), [sooner, later]);
        assert.equal(await store.restores.complete(sooner.id, at(9)), true);
        assert.equal(await store.restores.complete(sooner.id, at(10)), false, 'only a pending order completes');
        assert.deepEqual(await store.restores.listPending(handset.id, at(9)), [later]);
        assert.deepEqual(await store.restores.find(owner.id, sooner.id), { ...sooner, status: 'completed', completedAt: at(9) });
        assert.deepEqual(
          (await store.restores.listByOwner(owner.id)).map((r) => r.id),
          [later.id, sooner.id],
          'newest first, any status',
        );
        assert.deepEqual(await store.restores.listByOwner(other.owner.id), []);
      });

      test('a failed try waits for its next try; transitions are conditional on status and attempts', async () => {
        const { owner, handset, later, sooner } = await orders();
        const tried = await store.restores.transition(
          { id: sooner.id, status: 'pending', attempts: 0 },
          { attempts: 1, lastCode: 'PART_DAMAGED', nextTryAt: at(12) },
        );
        assert.deepEqual(tried, { ...sooner, attempts: 1, lastCode: 'PART_DAMAGED', nextTryAt: at(12) });
        assert.equal(
          await store.restores.transition({ id: sooner.id, status: 'pending', attempts: 0 }, { attempts: 1 }),
          undefined,
          'the same try counts once',
        );
        assert.deepEqual(
          (await store.restores.listPending(handset.id, at(11))).map((r) => r.id),
          [later.id],
        );
        assert.deepEqual(
          (await store.restores.listPending(handset.id, at(12))).map((r) => r.id),
          [sooner.id, later.id],
        );
        const cancelled = await store.restores.transition(
          { id: later.id, status: 'pending', attempts: 0 },
          { status: 'cancelled', completedAt: at(13) },
        );
        assert.deepEqual([cancelled?.status, cancelled?.completedAt], ['cancelled', at(13)]);
        assert.equal(await store.restores.complete(later.id, at(14)), false);
        assert.deepEqual(
          (await store.restores.listPending(handset.id, at(20))).map((r) => r.id),
          [sooner.id],
        );
        assert.equal((await store.restores.find(owner.id, later.id))?.status, 'cancelled');
      });
    });

    describe('history', () => {
      test('lists newest first, narrows by handset, honours limit and owner', async () => {
        const { owner, handset } = await seedOwner(store);
        const second = handsetRow(owner.id);
        await store.handsets.create(second);
        const row = (minute: number, handsetId: string | null, detail: string) => ({
          at: at(minute),
          ownerId: owner.id,
          handsetId,
          backupId: null,
          event: 'backup-deleted' as const,
          detail,
        });
        const rows = [row(1, handset.id, 'a'), row(3, second.id, 'b'), row(3, handset.id, 'c'), row(2, null, 'd')];
        for (const r of rows) await store.history.append(r);
        assert.deepEqual(
          (await store.history.list(owner.id)).map((r) => r.detail),
          ['c', 'b', 'd', 'a'],
        );
        assert.deepEqual(await store.history.list(owner.id, handset.id), [rows[2], rows[0]]);
        assert.deepEqual(
          (await store.history.list(owner.id, undefined, 2)).map((r) => r.detail),
          ['c', 'b'],
        );
        assert.deepEqual(await store.history.list((await seedOwner(store)).owner.id), []);
      });
    });
  });
}
