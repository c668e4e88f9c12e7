/**
 * The rescue desk's secrets at rest (issue 8 item 13): no table holds a
 * control number in clear (it is sealed under the code number, shown by
 * rescue-status once saved); new code numbers have at least 8 digits and a
 * costlier hash, existing ones keep working; and a code number cannot
 * change while a rescue of its number still needs it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { hashAuthKey } from '../src/owners/auth-key-hash.ts';
import { call, expectProblem, expectStatus, newOwner, startHarness, type Harness, type TestOwner } from './http-harness.ts';
import { desk, enrollPhone, newPhone, relogin, rescueStatus, saveMemory } from './rescue-fixtures.ts';

const CODE = '31415926';
const DAY = 24 * 3600_000;

describe('rescue secrets at rest', () => {
  let h: Harness;
  let owner: TestOwner;
  before(async () => {
    h = await startHarness({ tickMs: 0 });
    owner = await newOwner(h);
  });
  after(async () => h?.close());

  /** Every row of the tables the trial found control numbers in, and those near them, as text. */
  function dump(): string {
    const db = new DatabaseSync(join(h.data, 'center.db'), { readOnly: true });
    try {
      return ['rescues', 'rescue_audit', 'notices', 'rescue_codes', 'wrong_tries', 'history']
        .map((t) => JSON.stringify(db.prepare(`SELECT * FROM ${t}`).all()))
        .join('\n');
    } finally {
      db.close();
    }
  }

  it('no table holds the control number in clear; rescue-status shows it, the notice says where, restore takes it', async () => {
    const phone = newPhone();
    const lost = await enrollPhone(h, owner, 'sealed', phone, CODE);
    const reference = (await desk(h, 'requests', { phone, code: CODE })).json<{ reference: string }>().reference;
    assert.equal((await rescueStatus(h, phone, CODE)).rescues[0]?.controlNumber, null, 'not before the save');
    await saveMemory(h, owner, lost, reference);
    const control = (await rescueStatus(h, phone, CODE)).rescues[0]?.controlNumber ?? '';
    assert.match(control, /^\d{4}-\d{4}-\d{4}-\d{4}$/);

    const rows = dump();
    assert.ok(!rows.includes(control) && !rows.includes(control.replace(/-/g, '')), 'the control number is nowhere in clear');
    assert.ok(!rows.includes(CODE), 'nor the code number');
    const saved = (await h.store.notices.list(owner.ownerId)).find((n) => n.kind === 'rescue-saved');
    assert.match(saved?.message ?? '', /phonesafe pc rescue-status/);
    const audit = (await rescueStatus(h, phone, CODE)).audit;
    assert.ok(
      audit.every((e) => !/\d{4}-\d{4}-\d{4}-\d{4}|\d{16}/.test(e.detail)),
      JSON.stringify(audit),
    );

    expectProblem(await desk(h, 'restore', { phone, code: CODE, control: '4539148803436467' }), 'UNAUTHENTICATED', 401);
    expectStatus(await desk(h, 'restore', { phone, code: CODE, control }), 201);
  });

  it('new code numbers: at least 8 digits, hashed at the higher cost; an existing 4-digit code still opens the desk', async () => {
    const phone = newPhone();
    expectProblem(
      await call(h, 'POST', '/v1/handsets', { bearer: owner.token, json: { name: 'short', phone, code: '4711' } }),
      'VALIDATION_FAILED',
      400,
    );
    assert.equal(await h.store.handsets.newestByPhone(phone), undefined, 'nothing stored');
    await enrollPhone(h, owner, 'long', phone, CODE);
    expectProblem(
      await call(h, 'PUT', '/v1/rescue/code', { bearer: owner.token, json: { phone, code: '1234567' } }),
      'VALIDATION_FAILED',
      400,
    );
    assert.match((await h.store.rescueCodes.findCode(phone))?.codeHash ?? '', /^scrypt\$65536\$8\$1\$/);

    // A code set before the change: 4 digits, the old cost.
    const legacy = await hashAuthKey(Buffer.from('rescue-code\u00004711', 'utf8'), { N: 1 << 14, r: 8, p: 1 });
    await h.store.rescueCodes.putCode({ phone, ownerId: owner.ownerId, codeHash: legacy, setAt: h.clock.now().toISOString() });
    expectStatus(await desk(h, 'status', { phone, code: '4711' }), 200);
  });

  it('the code number cannot change while a rescue needs it (the same code is accepted); after expiry it can', async () => {
    const phone = newPhone();
    const lost = await enrollPhone(h, owner, 'busy', phone, CODE);
    const setCode = (code: string) => call(h, 'PUT', '/v1/rescue/code', { bearer: owner.token, json: { phone, code } });
    const reference = (await desk(h, 'requests', { phone, code: CODE })).json<{ reference: string }>().reference;
    const refused = expectProblem(await setCode('27182818'), 'RESCUE_IN_PROGRESS', 409);
    assert.ok(!refused.detail.includes(CODE) && !refused.detail.includes('27182818'));
    expectStatus(await setCode(CODE), 204);
    const replacement = { name: 'replacement', phone, code: '27182818' };
    expectProblem(await call(h, 'POST', '/v1/handsets', { bearer: owner.token, json: replacement }), 'RESCUE_IN_PROGRESS', 409);
    assert.equal((await h.store.handsets.newestByPhone(phone))?.id, lost.handsetId, 'no replacement enrolled');
    expectStatus(await call(h, 'POST', '/v1/handsets', { bearer: owner.token, json: { ...replacement, code: CODE } }), 201);

    await saveMemory(h, owner, lost, reference);
    expectProblem(await setCode('27182818'), 'RESCUE_IN_PROGRESS', 409);
    h.clock.advance(31 * DAY);
    await h.scheduler.tick();
    await relogin(h, owner);
    expectStatus(await setCode('27182818'), 204);
    expectStatus(await desk(h, 'status', { phone, code: '27182818' }), 200);
  });
});
