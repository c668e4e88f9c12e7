/** Part uploads keep "a row never points at bytes that are not stored", also after an interrupted upload and under races. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sha256Hex } from '@phonesafe/protocol';
import { enroll, expectStatus, newOwner, putPart, randomChunk, startHarness, type Harness, type TestOwner } from './http-harness.ts';

describe('HTTP API: storing parts', () => {
  let h: Harness;
  let owner: TestOwner;
  let credential: string;
  beforeEach(async () => {
    h = await startHarness();
    owner = await newOwner(h);
    credential = (await enroll(h, owner, 'phone')).credential;
  });
  afterEach(() => h.close());

  async function assertRowMatchesBlob(id: string): Promise<string> {
    const row = await h.store.parts.find(owner.ownerId, id);
    const blob = await h.blobs.get(owner.ownerId, id);
    assert.ok(row && blob);
    assert.equal(sha256Hex(blob), row.sha256);
    return row.sha256;
  }

  it('replaces a blob an interrupted upload left without a row, so the row describes the stored bytes', async () => {
    const plain = randomChunk(2000);
    const interrupted = owner.keys.sealPart(plain, { compress: false });
    await h.blobs.put(owner.ownerId, interrupted.id, interrupted.bytes); // the center died before recording it
    const resent = owner.keys.sealPart(plain, { compress: false });
    assert.equal(resent.id, interrupted.id);
    expectStatus(await putPart(h, credential, resent), 201);
    assert.equal(await assertRowMatchesBlob(resent.id), resent.sha256);
  });

  it('two concurrent uploads of one part with different sealings: one wins, the other is refused, row and blob agree', async () => {
    const plain = randomChunk(50_000);
    const a = owner.keys.sealPart(plain, { compress: false });
    const b = owner.keys.sealPart(plain, { compress: false });
    const answers = await Promise.all([putPart(h, credential, a), putPart(h, credential, b)]);
    assert.deepEqual(answers.map((res) => res.statusCode).sort(), [201, 409]);
    const winner = answers[0]!.statusCode === 201 ? a : b;
    assert.equal(await assertRowMatchesBlob(a.id), winner.sha256);
  });

  it('concurrent uploads of the same bytes are idempotent: one new, the rest existing', async () => {
    const part = owner.keys.sealPart(randomChunk(1000), { compress: false });
    const answers = await Promise.all([1, 2, 3].map(() => putPart(h, credential, part)));
    assert.deepEqual(answers.map((res) => res.json().stored).sort(), ['existing', 'existing', 'new']);
    await assertRowMatchesBlob(part.id);
  });
});
