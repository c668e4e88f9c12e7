/** The rescue desk's part of the Store contract (rescue.md): phone numbers, codes, rescues, audit; and the wrong-try counters it shares with logins. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HandsetRow } from '../src/handsets/handset-repo.ts';
import type { RescueRow } from '../src/rescue/rescue-repo.ts';
import { takeDueRescues } from '../src/rescue/rescue-sweep.ts';
import type { Store } from '../src/center-store.ts';
import { at, handsetRow, openWithParts, partRef, seedOwner, uid } from './store-fixtures.ts';

/** Suites share a database: take every due row, then look only at this test's own. */
const ALL = 10_000;

export function phoneNumber(): string {
  return `+49${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
}

export function rescueRow(handset: HandsetRow, phone: string, overrides: Partial<RescueRow> = {}): RescueRow {
  return {
    id: uid('rescue'),
    ownerId: handset.ownerId,
    phone,
    handsetId: handset.id,
    status: 'waiting-for-handset',
    requestedAt: at(10),
    windowEndsAt: at(1000),
    lastAttemptAt: null,
    requestId: null,
    backupId: null,
    controlSeal: null,
    controlHash: null,
    savedAt: null,
    erasedAt: null,
    expiresAt: null,
    warnedAt: null,
    files: null,
    ...overrides,
  };
}

async function phoneHandset(store: Store): Promise<{ handset: HandsetRow; phone: string }> {
  const { owner } = await seedOwner(store);
  const phone = phoneNumber();
  const handset = handsetRow(owner.id, { phone });
  await store.handsets.create(handset);
  return { handset, phone };
}

export function registerRescueConformance(getStore: () => Store): void {
  describe('rescue desk', () => {
    test('handsets keep their phone number; newestByPhone answers the latest enrolled', async () => {
      const store = getStore();
      const { handset, phone } = await phoneHandset(store);
      assert.equal((await store.handsets.findById(handset.id))?.phone, phone);
      const replacement = handsetRow(handset.ownerId, { phone, enrolledAt: at(50) });
      await store.handsets.create(replacement);
      assert.equal((await store.handsets.newestByPhone(phone))?.id, replacement.id);
      assert.equal(await store.handsets.newestByPhone(phoneNumber()), undefined);
    });

    test('codes are replaced per phone number; attempts count under concurrency and are deleted', async () => {
      const store = getStore();
      const { handset, phone } = await phoneHandset(store);
      await store.rescueCodes.putCode({ phone, ownerId: handset.ownerId, codeHash: 'h1', setAt: at(1) });
      await store.rescueCodes.putCode({ phone, ownerId: handset.ownerId, codeHash: 'h2', setAt: at(2) });
      assert.deepEqual(await store.rescueCodes.findCode(phone), { phone, ownerId: handset.ownerId, codeHash: 'h2', setAt: at(2) });
      assert.equal(await store.rescueCodes.findCode(phoneNumber()), undefined);

      const key = `code:${phone}`;
      assert.equal(await store.wrongTries.find(key), undefined);
      await Promise.all(
        Array.from({ length: 8 }, () => store.wrongTries.change(key, (c) => ({ ...c, failures: c.failures + 1, lastFailureAt: at(5) }))),
      );
      assert.deepEqual(await store.wrongTries.find(key), { key, failures: 8, lockedUntil: null, lastFailureAt: at(5) });
      const locked = await store.wrongTries.change(key, (c) => ({ ...c, failures: 0, lockedUntil: at(99), lastFailureAt: at(6) }));
      assert.deepEqual(locked, { key, failures: 0, lockedUntil: at(99), lastFailureAt: at(6) });
      assert.equal(await store.wrongTries.change(key, () => null), null, 'answering null deletes the counter');
      assert.equal(await store.wrongTries.find(key), undefined);
      await store.wrongTries.change(key, (c) => ({ ...c, failures: 1 }));
      await store.wrongTries.delete(key);
      assert.equal(await store.wrongTries.find(key), undefined);
    });

    test('stale attempts are deleted unless still locked or recent', async () => {
      const store = getStore();
      const rows = {
        stale: { failures: 2, lockedUntil: null, lastFailureAt: at(1) },
        legacy: { failures: 1, lockedUntil: null, lastFailureAt: null },
        recent: { failures: 2, lockedUntil: null, lastFailureAt: at(10) },
        locked: { failures: 0, lockedUntil: at(60), lastFailureAt: at(1) },
        lockEnded: { failures: 0, lockedUntil: at(40), lastFailureAt: at(1) },
      };
      const keys = Object.fromEntries(Object.keys(rows).map((name) => [name, `code:${name}:${phoneNumber()}`]));
      for (const [name, row] of Object.entries(rows)) {
        const key = keys[name]!;
        await store.wrongTries.change(key, () => ({ key, ...row }));
      }
      // Other suites' rows may go too: the count is at least this test's three.
      assert.ok((await store.wrongTries.deleteStale(at(5), at(50))) >= 3);
      const left = Object.fromEntries(
        await Promise.all(Object.entries(keys).map(async ([name, key]) => [name, (await store.wrongTries.find(key)) !== undefined])),
      );
      assert.deepEqual(left, { stale: false, legacy: false, recent: true, locked: true, lockEnded: false });
    });

    test('one open rescue per phone number; lookups by phone, backup and channel; a seal is set once', async () => {
      const store = getStore();
      const { handset, phone } = await phoneHandset(store);
      const first = rescueRow(handset, phone, { controlHash: 'scrypt$legacy' });
      assert.equal(await store.rescues.create(first), true);
      assert.equal(await store.rescues.create(rescueRow(handset, phone)), false, 'a second open rescue is refused');
      assert.deepEqual(await store.rescues.findOpen(phone), first);
      assert.deepEqual(await store.rescues.listForChannel(handset.id), [first]);

      const backupId = uid('backup');
      const saved = await store.rescues.transition(
        { id: first.id, status: 'waiting-for-handset' },
        { status: 'saved', backupId, savedAt: at(20), expiresAt: at(500), files: 3 },
      );
      assert.equal(saved?.status, 'saved');
      assert.equal(
        await store.rescues.transition({ id: first.id, status: 'saving' }, { status: 'erased' }),
        undefined,
        'a stale transition changes nothing',
      );
      const sealed = await store.rescues.transition({ id: first.id, status: 'saved', unsealed: true }, { controlSeal: 'seal1$a' });
      assert.deepEqual([sealed?.controlSeal, sealed?.controlHash], ['seal1$a', 'scrypt$legacy']);
      assert.equal(
        await store.rescues.transition({ id: first.id, status: 'saved', unsealed: true }, { controlSeal: 'seal1$b' }),
        undefined,
        'sealed once',
      );
      assert.deepEqual(await store.rescues.findByBackup(backupId), sealed);
      assert.deepEqual(await store.rescues.listForChannel(handset.id), [sealed], 'saved and not erased: the channel still has to erase');

      const erased = await store.rescues.transition(
        { id: first.id, status: 'saved', unerased: true },
        { status: 'erased', erasedAt: at(30) },
      );
      assert.equal(erased?.erasedAt, at(30));
      assert.equal(
        await store.rescues.transition({ id: first.id, status: 'erased', unerased: true }, { erasedAt: at(31) }),
        undefined,
        'the first erase only',
      );
      assert.deepEqual(await store.rescues.listForChannel(handset.id), []);
      assert.equal(await store.rescues.findOpen(phone), undefined);

      const second = rescueRow(handset, phone, { requestedAt: at(40) });
      assert.equal(await store.rescues.create(second), true, 'a closed rescue does not block a new one');
      assert.deepEqual(
        (await store.rescues.listByPhone(handset.ownerId, phone)).map((r) => r.id),
        [second.id, first.id],
      );
      assert.deepEqual(await store.rescues.listByPhone(uid('owner'), phone), [], 'scoped by owner');
    });

    test('takeDue: warn once, expire with the backup rows, give up after the window', async () => {
      const store = getStore();
      const { handset, phone } = await phoneHandset(store);
      const { backup, manifest } = await openWithParts(store, handset, [partRef('rescue-a')], { trigger: 'rescue' });
      await store.backups.commit({
        backupId: backup.id,
        ownerId: handset.ownerId,
        committedAt: at(20),
        manifest,
        parts: [partRef('rescue-a'), manifest],
        files: [{ ref: 'f'.repeat(32), size: 8, parts: [partRef('rescue-a').id] }],
      });
      const kept = rescueRow(handset, phone, {
        status: 'erased',
        backupId: backup.id,
        savedAt: at(20),
        erasedAt: at(21),
        expiresAt: at(600),
        controlSeal: 'seal1$kept',
      });
      assert.equal(await store.rescues.create(kept), true);
      const { handset: other, phone: otherPhone } = await phoneHandset(store);
      const waiting = rescueRow(other, otherPhone, { windowEndsAt: at(700) });
      assert.equal(await store.rescues.create(waiting), true);
      const mine = (taken: Array<{ after: RescueRow }>) => taken.map((t) => t.after).filter((r) => r.id === kept.id || r.id === waiting.id);

      assert.deepEqual(mine(await store.rescues.takeDue('warn', at(599), ALL, () => ({ warnedAt: at(1) }))), []);
      const warned = mine(await store.rescues.takeDue('warn', at(600), ALL, () => ({ warnedAt: at(2) })));
      assert.deepEqual(
        warned.map((r) => r.warnedAt),
        [at(2)],
      );
      assert.deepEqual(mine(await store.rescues.takeDue('warn', at(600), ALL, () => ({ warnedAt: at(3) }))), [], 'warned once');

      assert.deepEqual(mine(await store.rescues.takeDue('expire', at(599), ALL, () => ({ status: 'expired' }))), []);
      // The expiry as the sweep runs it: the rescues' takeDue and the backup rows' deletion in one transaction.
      const expired = mine(await takeDueRescues(store.transaction, 'expire', at(600), ALL, () => ({ status: 'expired' })));
      assert.deepEqual(
        expired.map((r) => r.status),
        ['expired'],
      );
      assert.equal(await store.backups.find(handset.ownerId, backup.id), undefined, 'the backup rows went with the expiry');
      assert.deepEqual(await store.backups.files(backup.id), []);

      assert.deepEqual(mine(await store.rescues.takeDue('give-up', at(699), ALL, () => ({ status: 'gave-up' }))), []);
      const gaveUp = mine(await store.rescues.takeDue('give-up', at(700), ALL, () => ({ status: 'gave-up' })));
      assert.deepEqual(
        gaveUp.map((r) => [r.id, r.status]),
        [[waiting.id, 'gave-up']],
      );
    });

    test('audit rows list in the order recorded, per owner and phone number', async () => {
      const store = getStore();
      const { handset, phone } = await phoneHandset(store);
      const base = { ownerId: handset.ownerId, phone, rescueId: null, detail: 'd' };
      await store.rescueAudit.append({ ...base, at: at(5), event: 'wrong-code' });
      await store.rescueAudit.append({ ...base, at: at(5), event: 'locked' });
      await store.rescueAudit.append({ ...base, rescueId: 'r-1', at: at(6), event: 'requested' });
      assert.deepEqual(
        (await store.rescueAudit.list(handset.ownerId, phone)).map((r) => r.event),
        ['wrong-code', 'locked', 'requested'],
      );
      assert.deepEqual(await store.rescueAudit.list(uid('owner'), phone), []);
    });
  });
}
