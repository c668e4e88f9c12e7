/** The notice mail outbox's part of the Store contract (notice-mail-repo.ts, migration 0010). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../src/center-store.ts';
import { at, ownerRow, uid } from './store-fixtures.ts';

/** Suites share a database and the outbox is global: far-future times keep this test's rows apart from others'. */
const FAR = (n: number) => new Date(Date.UTC(2090, 0, 1, 0, n)).toISOString();

export function registerNoticeMailConformance(s: () => Store): void {
  describe('notice mail outbox', () => {
    test("a queued mail goes to the owner's address, is claimed once until its lease ends, and is never claimed once sent", async () => {
      const owner = ownerRow();
      await s().owners.create(owner);
      const id = uid('notice');
      await s().noticeMail.enqueue({ id, ownerId: owner.id, kind: 'login-locked', subject: 'S', body: 'B' }, FAR(0));
      assert.deepEqual(
        await s()
          .noticeMail.claimDue(at(0), at(5), 10)
          .then((rows) => rows.filter((r) => r.id === id)),
        [],
        'not due yet',
      );
      const [claimed, again] = await Promise.all([
        s().noticeMail.claimDue(FAR(1), FAR(6), 1000),
        s().noticeMail.claimDue(FAR(1), FAR(6), 1000),
      ]);
      const mine = [...claimed, ...again].filter((r) => r.id === id);
      assert.equal(mine.length, 1, 'two claims at once: one gets it');
      assert.deepEqual([mine[0]!.to, mine[0]!.attempts, mine[0]!.kind], [owner.email, 0, 'login-locked']);
      assert.equal((await s().noticeMail.claimDue(FAR(2), FAR(7), 1000)).filter((r) => r.id === id).length, 0, 'leased');
      await s().noticeMail.markFailed(id, 'MAIL_UNAVAILABLE: down', FAR(8));
      const retried = (await s().noticeMail.claimDue(FAR(8), FAR(12), 1000)).filter((r) => r.id === id);
      assert.equal(retried[0]?.attempts, 1);
      await s().noticeMail.markSent(id, FAR(9));
      assert.equal((await s().noticeMail.claimDue(FAR(59), FAR(60), 1000)).filter((r) => r.id === id).length, 0, 'sent: never again');
    });
  });
}
