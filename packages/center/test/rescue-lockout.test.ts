/**
 * Lockouts (rescue.md): wrong code numbers and wrong control numbers answer
 * alike for registered and unknown phone numbers, lock after 3 tries for 15
 * minutes (then LOCKED even for the right code), tell the owner of a
 * registered number, and unlock after the lock period.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { expectProblem, expectStatus, newOwner, startHarness, type Harness, type TestOwner } from './http-harness.ts';
import { FORGET_AFTER_MS } from '../src/auth/lockout.ts';
import { codeKey } from '../src/rescue/rescue-gate.ts';
import { desk, enrollPhone, newPhone, rescueStatus, saveMemory } from './rescue-fixtures.ts';

const LOCK_MS = 15 * 60_000;

/** What a caller sees of a refusal: status, code, detail, extra (the instance differs per request). */
function answer(res: LightMyRequestResponse): Record<string, unknown> {
  const { code, status, detail, extra } = res.json<Record<string, unknown>>();
  return { httpStatus: res.statusCode, code, status, detail, extra };
}

describe('rescue desk lockouts', () => {
  let h: Harness;
  let owner: TestOwner;
  before(async () => {
    h = await startHarness({ tickMs: 0 });
    owner = await newOwner(h);
  });
  after(async () => h?.close());

  const lockNotices = () => h.store.notices.list(owner.ownerId).then((all) => all.filter((n) => n.kind === 'rescue-locked'));

  it('wrong codes: same answers for a registered and an unknown number, lock after 3, owner told, unlock after 15 minutes', async () => {
    const known = newPhone();
    const unknown = newPhone();
    await enrollPhone(h, owner, 'known', known, '13571357');
    for (let i = 1; i <= 3; i++) {
      const a = await desk(h, 'requests', { phone: known, code: '0000' });
      const b = await desk(h, 'requests', { phone: unknown, code: '0000' });
      expectProblem(a, 'UNAUTHENTICATED', 401);
      assert.deepEqual(answer(a), answer(b), `try ${i} answers alike`);
    }
    // Locked now, for every path that carries a code, and even for the right code.
    for (const path of ['requests', 'status', 'restore'] as const) {
      const body = { phone: known, code: '13571357', ...(path === 'restore' ? { control: '4539148803436467' } : {}) };
      const a = await desk(h, path, body);
      const b = await desk(h, path, { ...body, phone: unknown });
      expectProblem(a, 'LOCKED', 429);
      assert.deepEqual(answer(a).code, answer(b).code);
      assert.equal(a.json().detail.replace(known, ''), b.json().detail.replace(unknown, ''));
    }
    const [notice] = await lockNotices();
    assert.match(notice?.message ?? '', /locked phone number .* for 15 minutes/);
    assert.equal((await lockNotices()).length, 1);

    h.clock.advance(LOCK_MS - 1000);
    expectProblem(await desk(h, 'status', { phone: known, code: '13571357' }), 'LOCKED', 429);
    h.clock.advance(1000);
    const status = await rescueStatus(h, known, '13571357');
    assert.deepEqual(
      status.audit.map((a) => a.event),
      ['wrong-code', 'wrong-code', 'wrong-code', 'locked'],
    );
    assert.deepEqual(
      answer(await desk(h, 'status', { phone: unknown, code: '0000' })).code,
      'UNAUTHENTICATED',
      'the unknown number unlocked too',
    );

    // A right code forgets earlier wrong ones: two wrong, right, two wrong do not lock.
    for (const code of ['0001', '0002', '13571357', '0003', '0004']) await desk(h, 'status', { phone: known, code });
    expectStatus(await desk(h, 'status', { phone: known, code: '13571357' }), 200);
  });

  it('wrong control numbers: typo and unknown answer alike, lock after 3, owner told; the right one restores after the lock', async () => {
    const phone = newPhone();
    const lost = await enrollPhone(h, owner, 'lost-ctl', phone, '24682468');
    const reference = (await desk(h, 'requests', { phone, code: '24682468' })).json<{ reference: string }>().reference;
    await saveMemory(h, owner, lost, reference);
    const control = (await rescueStatus(h, phone, '24682468')).rescues[0]?.controlNumber ?? '';
    const digits = control.replace(/-/g, '');
    const typo = digits.slice(0, 5) + String((Number(digits[5]) + 1) % 10) + digits.slice(6);
    const before = (await lockNotices()).length;

    const a = await desk(h, 'restore', { phone, code: '24682468', control: typo });
    const b = await desk(h, 'restore', { phone, code: '24682468', control: '4539148803436467' });
    expectProblem(a, 'UNAUTHENTICATED', 401);
    assert.deepEqual(answer(a), answer(b));
    expectProblem(await desk(h, 'restore', { phone, code: '24682468', control: '1111-2222-3333-4444' }), 'UNAUTHENTICATED', 401);
    expectProblem(await desk(h, 'restore', { phone, code: '24682468', control }), 'LOCKED', 429);
    assert.equal((await lockNotices()).length, before + 1);
    expectStatus(await desk(h, 'status', { phone, code: '24682468' }), 200);

    h.clock.advance(LOCK_MS);
    expectStatus(await desk(h, 'restore', { phone, code: '24682468', control }), 201);
    const events = (await rescueStatus(h, phone, '24682468')).audit.map((e) => e.event);
    assert.deepEqual(
      events.filter((e) => e === 'wrong-control' || e === 'locked'),
      ['wrong-control', 'wrong-control', 'wrong-control', 'locked'],
    );
  });

  it('wrong tries are forgotten a day after the last one, and the sweep deletes their counters', async () => {
    const known = newPhone();
    const unknown = newPhone();
    await enrollPhone(h, owner, 'forgetful', known, '86428642');
    const wrong = (phone: string) => desk(h, 'status', { phone, code: '0000' });
    for (const phone of [known, unknown]) for (let i = 0; i < 2; i++) expectProblem(await wrong(phone), 'UNAUTHENTICATED', 401);
    await h.scheduler.tick();
    assert.ok(await h.store.wrongTries.find(codeKey(unknown)), 'recent wrong tries still count');

    h.clock.advance(FORGET_AFTER_MS + 1000);
    await h.scheduler.tick();
    assert.equal(await h.store.wrongTries.find(codeKey(unknown)), undefined, 'the unknown number leaves nothing behind');
    assert.equal(await h.store.wrongTries.find(codeKey(known)), undefined);
    // Two wrong tries a day ago do not count towards today's three.
    expectProblem(await wrong(known), 'UNAUTHENTICATED', 401);
    expectProblem(await wrong(known), 'UNAUTHENTICATED', 401);
    expectProblem(await wrong(known), 'UNAUTHENTICATED', 401);
    expectProblem(await wrong(known), 'LOCKED', 429);
  });

  it('the lock settings are configurable', async () => {
    const strict = await startHarness({ tickMs: 0, rescueMaxTries: 1, rescueLockSeconds: 60 });
    try {
      const phone = newPhone();
      expectProblem(await desk(strict, 'status', { phone, code: '0000' }), 'UNAUTHENTICATED', 401);
      const locked = expectProblem(await desk(strict, 'status', { phone, code: '0000' }), 'LOCKED', 429);
      assert.equal(locked.extra['lockedUntil'], new Date(strict.clock.now().getTime() + 60_000).toISOString());
    } finally {
      await strict.close();
    }
  });
});
