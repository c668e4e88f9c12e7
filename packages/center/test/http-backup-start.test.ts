/**
 * The start request's trigger and rescue id go together: a rescue save names
 * its rescue, and only a rescue save may name one. A "rescue" backup with no
 * rescue would be outside the owner's retention (rescue saves are) and
 * outside every rescue's expiry, so it would be kept forever.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { call, enroll, expectProblem, newOwner, startHarness, type Harness } from './http-harness.ts';

describe('backup start: trigger and rescue id', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('trigger "rescue" without a rescueId → VALIDATION_FAILED, no backup opened', async () => {
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const res = await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['contacts'], trigger: 'rescue' } });
    const problem = expectProblem(res, 'VALIDATION_FAILED', 400);
    assert.match(problem.detail, /rescueId/);
    assert.deepEqual(await h.store.backups.listStaleOpen('9999-12-31T00:00:00.000Z'), []);
  });

  it('the kinds covered completely must be kinds of the backup; they are stored for retention per kind', async () => {
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const stray = await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['contacts'], complete: ['media'] } });
    assert.match(expectProblem(stray, 'VALIDATION_FAILED', 400).detail, /body\.complete: media/);
    const ok = await call(h, 'POST', '/v1/backups', {
      bearer: phone.credential,
      json: { kinds: ['media', 'contacts'], complete: ['contacts'] },
    });
    assert.equal(ok.statusCode, 201);
    assert.deepEqual((await h.store.backups.find(owner.ownerId, ok.json().backupId))?.complete, ['contacts']);
  });
});
