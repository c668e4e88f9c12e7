/**
 * Phone numbers are canonical at the center (issue 8 item 16): one number
 * however it is spelled, so a second owner cannot enrol another spelling of
 * it, and the desk finds it under any spelling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, expectProblem, expectStatus, newOwner, startHarness, type Harness } from './http-harness.ts';
import { desk, newPhone } from './rescue-fixtures.ts';

const CODE = '86420975';

/** `+4915…` → `49 15 … ` with spaces and dashes, no +. */
const respell = (phone: string) => `${phone.slice(1, 3)} (${phone.slice(3, 5)}) ${phone.slice(5, 9)}-${phone.slice(9)}`;

describe('canonical phone numbers', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ tickMs: 0 });
  });
  after(async () => h?.close());

  it('another spelling is the same number: stored canonical, another owner refused, the desk finds it', async () => {
    const phone = newPhone();
    const owner = await newOwner(h);
    const enrolled = await call(h, 'POST', '/v1/handsets', {
      bearer: owner.token,
      json: { name: 'spelled', phone: phone.slice(1), code: CODE },
    });
    expectStatus(enrolled, 201);
    assert.equal((await h.store.handsets.findById(enrolled.json<{ handsetId: string }>().handsetId))?.phone, phone);
    assert.equal((await h.store.rescueCodes.findCode(phone))?.ownerId, owner.ownerId);

    const thief = await newOwner(h);
    expectProblem(await call(h, 'POST', '/v1/handsets', { bearer: thief.token, json: { name: 'other', phone } }), 'FORBIDDEN', 403);
    expectProblem(
      await call(h, 'POST', '/v1/handsets', { bearer: thief.token, json: { name: 'other', phone: respell(phone) } }),
      'FORBIDDEN',
      403,
    );

    const status = await desk(h, 'status', { phone, code: CODE });
    expectStatus(status, 200);
    assert.equal(status.json<{ phone: string }>().phone, phone, 'answered in the canonical form');
    expectStatus(await desk(h, 'requests', { phone: respell(phone), code: CODE }), 202);
  });

  it('a national number is refused with a hint to give the country code, and stores nothing', async () => {
    const owner = await newOwner(h);
    const refused = expectProblem(
      await call(h, 'POST', '/v1/handsets', { bearer: owner.token, json: { name: 'national', phone: '090-1234-5678' } }),
      'VALIDATION_FAILED',
      400,
    );
    assert.match(refused.detail, /body\.phone: .*country code/);
    assert.deepEqual(await h.store.handsets.listByOwner(owner.ownerId), []);
  });
});
