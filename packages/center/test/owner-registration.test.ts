/**
 * Issue 8 item 15: registration cannot tell which e-mail addresses exist
 * (an existing one gets the answer a new one gets, and nothing changes), and
 * KDF parameters are bounded to what a phone can afford.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { deriveOwnerSecrets, newDataKey, newKdfParams, wrapDataKey } from '@phonesafe/protocol/node';
import { call, expectProblem, expectStatus, newOwner, startHarness, TEST_KDF_COST, type Harness, type TestOwner } from './http-harness.ts';

const salt16 = Buffer.alloc(16, 1).toString('base64');

describe('owner registration', () => {
  let h: Harness;
  let owner: TestOwner;

  beforeEach(async () => {
    h = await startHarness();
    owner = await newOwner(h);
  });
  afterEach(() => h.close());

  /** A registration body as a pc makes it, for `email` with `password`. */
  async function registration(email: string, password: string) {
    const kdf = newKdfParams(TEST_KDF_COST);
    const { authKey, kek } = await deriveOwnerSecrets(password, kdf);
    return { email, authKey: authKey.toString('base64'), kdf, wrappedDataKey: wrapDataKey(kek, newDataKey()) };
  }

  it('an existing e-mail gets the answer a new one gets; nothing changes, and the owner is told', async () => {
    const stored = await h.store.owners.findByEmail(owner.email);
    const taken = await call(h, 'POST', '/v1/owners', { json: await registration(owner.email, 'another password') });
    const fresh = await call(h, 'POST', '/v1/owners', { json: await registration('new-owner@example.org', 'another password') });
    expectStatus(taken, 201);
    expectStatus(fresh, 201);
    assert.deepEqual(Object.keys(taken.json()), Object.keys(fresh.json()));
    assert.equal(taken.headers['content-type'], fresh.headers['content-type']);
    assert.equal(taken.body.length, fresh.body.length);
    // The id answered for the taken address is nobody's.
    const fakeId = taken.json<{ ownerId: string }>().ownerId;
    assert.notEqual(fakeId, owner.ownerId);
    assert.equal(await h.store.owners.findById(fakeId), undefined);

    assert.deepEqual(await h.store.owners.findByEmail(owner.email), stored, 'the existing owner is unchanged');
    expectStatus(await call(h, 'POST', '/v1/owners/login', { json: { email: owner.email, authKey: owner.authKey } }), 200);
    const notices = (await h.store.notices.list(owner.ownerId)).filter((n) => n.kind === 'registration-attempt');
    assert.equal(notices.length, 1);
    assert.match(notices[0]!.message, /register/);
    assert.ok(!notices[0]!.message.includes(owner.authKey));
    // The new address was registered for real.
    assert.ok(await h.store.owners.findById(fresh.json<{ ownerId: string }>().ownerId));
  });

  it('the owner hears of registrations of their address at most once a day', async () => {
    const attempts = async () => (await h.store.notices.list(owner.ownerId)).filter((n) => n.kind === 'registration-attempt').length;
    for (let i = 0; i < 3; i++)
      expectStatus(await call(h, 'POST', '/v1/owners', { json: await registration(owner.email, `guess ${i}`) }), 201);
    assert.equal(await attempts(), 1);
    h.clock.advance(24 * 3600_000 + 1000);
    expectStatus(await call(h, 'POST', '/v1/owners', { json: await registration(owner.email, 'guess 4') }), 201);
    assert.equal(await attempts(), 2);
  });

  it('KDF parameters out of bounds are refused, for a new and an existing address alike, and store nothing', async () => {
    const bad = [
      { algorithm: 'scrypt', salt: salt16, N: 1 << 20, r: 32, p: 16 },
      { algorithm: 'scrypt', salt: salt16, N: 1 << 19, r: 8, p: 1 },
      { algorithm: 'scrypt', salt: salt16, N: 1024, r: 8, p: 1 },
      { algorithm: 'scrypt', salt: salt16, N: 30_000, r: 8, p: 1 },
      { algorithm: 'scrypt', salt: 'AAAA', N: 1 << 15, r: 8, p: 1 },
    ];
    for (const kdf of bad) {
      for (const email of [owner.email, 'nobody-yet@example.org']) {
        const body = { ...(await registration(email, 'pw')), kdf };
        const problem = expectProblem(await call(h, 'POST', '/v1/owners', { json: body }), 'VALIDATION_FAILED', 400);
        assert.match(problem.detail, /kdf/);
      }
    }
    assert.equal(await h.store.owners.findByEmail('nobody-yet@example.org'), undefined);
    assert.equal((await h.store.notices.list(owner.ownerId)).length, 0);
  });
});
