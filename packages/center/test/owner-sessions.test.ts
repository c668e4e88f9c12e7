/**
 * Issue 8 item 8, the owner's sessions: logout ends the caller's token, and
 * a password change (checked against the current auth key, counted by the
 * login lockout) replaces the secrets in one step and ends every other
 * session. Handsets keep their own credentials through it.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OWNER_PASSWORD } from '@phonesafe/testkit';
import { deriveOwnerSecrets, newKdfParams, unwrapDataKey, wrapDataKey } from '@phonesafe/protocol/node';
import {
  call,
  enroll,
  expectProblem,
  expectStatus,
  newOwner,
  startHarness,
  TEST_KDF_COST,
  type Harness,
  type TestOwner,
} from './http-harness.ts';

describe('owner sessions: logout and password change', () => {
  let h: Harness;
  let owner: TestOwner;
  let phone: { handsetId: string; credential: string };

  beforeEach(async () => {
    h = await startHarness();
    owner = await newOwner(h);
    phone = await enroll(h, owner, 'phone');
  });
  afterEach(() => h.close());

  const login = async (authKey = owner.authKey) => call(h, 'POST', '/v1/owners/login', { json: { email: owner.email, authKey } });
  const token = async () => {
    const res = await login();
    expectStatus(res, 200);
    return res.json<{ token: string }>().token;
  };
  const works = async (bearer: string) => (await call(h, 'GET', '/v1/handsets', { bearer })).statusCode;

  /**
   * The body `pc passwd` sends: `currentAuthKey` and the new secrets, the
   * data key re-wrapped. Read through a login of its own, as the pc's session.
   */
  async function passwordChange(currentAuthKey: string, newPassword: string) {
    const current = await login();
    expectStatus(current, 200);
    const { kdf: oldKdf, wrappedDataKey } = current.json<{ kdf: Parameters<typeof deriveOwnerSecrets>[1]; wrappedDataKey: string }>();
    const dataKey = unwrapDataKey((await deriveOwnerSecrets(OWNER_PASSWORD, oldKdf)).kek, wrappedDataKey);
    const kdf = newKdfParams(TEST_KDF_COST);
    const fresh = await deriveOwnerSecrets(newPassword, kdf);
    return {
      body: { currentAuthKey, authKey: fresh.authKey.toString('base64'), kdf, wrappedDataKey: wrapDataKey(fresh.kek, dataKey) },
      fresh,
      kdf,
      dataKey,
    };
  }

  it("logout ends the caller's token only; a handset cannot log out", async () => {
    const other = await token();
    expectStatus(await call(h, 'POST', '/v1/owners/logout', { bearer: owner.token }), 204);
    expectProblem(await call(h, 'GET', '/v1/handsets', { bearer: owner.token }), 'UNAUTHENTICATED', 401);
    expectProblem(await call(h, 'POST', '/v1/owners/logout', { bearer: owner.token }), 'UNAUTHENTICATED', 401);
    assert.equal(await works(other), 200);
    expectProblem(await call(h, 'POST', '/v1/owners/logout', { bearer: phone.credential }), 'FORBIDDEN', 403);
    expectProblem(await call(h, 'POST', '/v1/owners/logout'), 'UNAUTHENTICATED', 401);
  });

  it('a password change replaces the secrets and ends every other session; handsets keep working', async () => {
    const other = await token();
    const { body, fresh, dataKey } = await passwordChange(owner.authKey, 'a new password');
    const changed = await call(h, 'PUT', '/v1/owners/password', { bearer: owner.token, json: body });
    expectStatus(changed, 200);
    // `other` and the session passwordChange() opened.
    assert.deepEqual(changed.json(), { endedSessions: 2 });

    expectProblem(await call(h, 'GET', '/v1/handsets', { bearer: other }), 'UNAUTHENTICATED', 401);
    assert.equal(await works(owner.token), 200, "the caller's own session goes on");
    expectProblem(await login(), 'UNAUTHENTICATED', 401);
    const prelogin = await call(h, 'POST', '/v1/owners/prelogin', { json: { email: owner.email } });
    assert.deepEqual(prelogin.json().kdf, body.kdf);
    const relogin = await login(fresh.authKey.toString('base64'));
    expectStatus(relogin, 200);
    assert.deepEqual(unwrapDataKey(fresh.kek, relogin.json().wrappedDataKey), dataKey, 'the same data key, wrapped anew');
    assert.equal((await call(h, 'GET', '/v1/backups', { bearer: phone.credential })).statusCode, 200);
    const stored = JSON.stringify(await h.store.owners.findById(owner.ownerId));
    assert.ok(!stored.includes(fresh.authKey.toString('base64')), 'the auth key is stored hashed');
    assert.ok(!h.logs.join('').includes(fresh.authKey.toString('base64')));
  });

  it('a wrong current password changes nothing and counts as a wrong login try', async () => {
    const before = await h.store.owners.findById(owner.ownerId);
    const wrong = Buffer.alloc(32, 9).toString('base64');
    const { body } = await passwordChange(wrong, 'a new password');
    for (let i = 1; i <= 4; i++)
      expectProblem(await call(h, 'PUT', '/v1/owners/password', { bearer: owner.token, json: body }), 'UNAUTHENTICATED', 401);
    assert.deepEqual(await h.store.owners.findById(owner.ownerId), before);
    // The fifth wrong try, by login, locks the address: the change is then locked too, even with the right key.
    expectProblem(await login(wrong), 'UNAUTHENTICATED', 401);
    const right = await call(h, 'PUT', '/v1/owners/password', { bearer: owner.token, json: { ...body, currentAuthKey: owner.authKey } });
    expectProblem(right, 'LOCKED', 429);
    expectProblem(await login(), 'LOCKED', 429);
    assert.deepEqual(await h.store.owners.findById(owner.ownerId), before);
    assert.equal((await h.store.notices.list(owner.ownerId)).filter((n) => n.kind === 'login-locked').length, 1);
  });

  it('a right current password forgets the wrong tries before it', async () => {
    const { body } = await passwordChange(owner.authKey, 'a new password');
    const wrong = Buffer.alloc(32, 9).toString('base64');
    for (let i = 0; i < 4; i++) expectProblem(await login(wrong), 'UNAUTHENTICATED', 401);
    expectStatus(await call(h, 'PUT', '/v1/owners/password', { bearer: owner.token, json: body }), 200);
    assert.equal(await h.store.wrongTries.find(`login:${owner.email}`), undefined);
  });

  it('new KDF parameters out of bounds, or a handset caller, are refused and change nothing', async () => {
    const before = await h.store.owners.findById(owner.ownerId);
    const { body } = await passwordChange(owner.authKey, 'a new password');
    const huge = { ...body, kdf: { ...body.kdf, N: 1 << 20, r: 32, p: 16 } };
    expectProblem(await call(h, 'PUT', '/v1/owners/password', { bearer: owner.token, json: huge }), 'VALIDATION_FAILED', 400);
    expectProblem(await call(h, 'PUT', '/v1/owners/password', { bearer: phone.credential, json: body }), 'FORBIDDEN', 403);
    assert.deepEqual(await h.store.owners.findById(owner.ownerId), before);
    assert.equal(await works(owner.token), 200);
  });
});
