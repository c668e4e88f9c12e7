/**
 * Rescue notices go to the owner only (issue 8 item 9): the lost handset's
 * credential, which a finder may hold until the erase is reported, reads
 * none of them (saved, locked, expiring, expired, gave up), so it never sees
 * a control number; the owner gets every one, naming no handset.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, expectProblem, expectStatus, newOwner, startHarness, type Harness, type TestOwner } from './http-harness.ts';
import { desk, enrollPhone, newPhone, relogin, rescueStatus, saveMemory } from './rescue-fixtures.ts';

const CODE = '24681357';
const DAY = 24 * 3600_000;

describe('rescue notices', () => {
  let h: Harness;
  let owner: TestOwner;
  before(async () => {
    h = await startHarness({ tickMs: 0 });
    owner = await newOwner(h);
  });
  after(async () => h?.close());

  /** What a handset credential reads of its notices. */
  async function handsetNotices(credential: string): Promise<Array<{ kind: string; message: string }>> {
    const res = await call(h, 'GET', '/v1/notices', { bearer: credential });
    expectStatus(res, 200);
    return res.json<{ notices: Array<{ kind: string; message: string }> }>().notices;
  }
  const rescueNotices = async () => (await h.store.notices.list(owner.ownerId)).filter((n) => n.kind.startsWith('rescue-'));

  it('the lost handset reads no rescue notice and no control number; the owner gets them all', async () => {
    const phone = newPhone();
    const lost = await enrollPhone(h, owner, 'lost', phone, CODE);
    for (let i = 0; i < 3; i++) expectProblem(await desk(h, 'status', { phone, code: '11111111' }), 'UNAUTHENTICATED', 401);
    h.clock.advance(15 * 60_000);
    const reference = (await desk(h, 'requests', { phone, code: CODE })).json<{ reference: string }>().reference;
    await saveMemory(h, owner, lost, reference);
    const control = (await rescueStatus(h, phone, CODE)).rescues[0]?.controlNumber ?? '';
    assert.match(control, /^\d{4}-\d{4}-\d{4}-\d{4}$/);

    // The erase is never reported: the handset keeps its credential through expiry.
    h.clock.advance(27 * DAY + 1000);
    await h.scheduler.tick();
    h.clock.advance(3 * DAY);
    await h.scheduler.tick();
    const seen = await handsetNotices(lost.credential);
    assert.deepEqual(
      seen.filter((n) => n.kind.startsWith('rescue-')),
      [],
      JSON.stringify(seen),
    );
    for (const n of seen) assert.ok(!n.message.includes(control) && !n.message.includes(control.replace(/-/g, '')), n.message);

    const told = await rescueNotices();
    assert.deepEqual(told.map((n) => n.kind).sort(), ['rescue-expired', 'rescue-expiring', 'rescue-locked', 'rescue-saved']);
    assert.ok(
      told.every((n) => n.handsetId === null),
      'stored for the owner only',
    );
  });

  it('a handset never reached: the gave-up notice is the owner’s only', async () => {
    await relogin(h, owner);
    const phone = newPhone();
    const away = await enrollPhone(h, owner, 'away', phone, CODE);
    expectStatus(await desk(h, 'requests', { phone, code: CODE }), 202);
    h.clock.advance(366 * DAY);
    await h.scheduler.tick();
    assert.equal((await rescueStatus(h, phone, CODE)).rescues[0]?.status, 'gave-up');
    assert.deepEqual(
      (await handsetNotices(away.credential)).filter((n) => n.kind.startsWith('rescue-')),
      [],
    );
    const gaveUp = (await rescueNotices()).filter((n) => n.kind === 'rescue-gave-up');
    assert.deepEqual(
      gaveUp.map((n) => n.handsetId),
      [null],
    );
  });
});
