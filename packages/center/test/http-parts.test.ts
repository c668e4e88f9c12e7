/** Part uploads keep "a row never points at bytes that are not stored", also after an interrupted upload and under races. */
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { decodePartBatch, encodePartBatch, PartBatchAck } from '@phonesafe/protocol';
import { sha256Hex, type SealedPart } from '@phonesafe/protocol/node';
import { flipByte, packFile } from '@phonesafe/testkit';
import {
  call,
  enroll,
  expectProblem,
  expectStatus,
  newOwner,
  putPart,
  randomChunk,
  startHarness,
  type Harness,
  type TestOwner,
} from './http-harness.ts';

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

  /** The blob files stored for a part id. */
  const blobFiles = async (id: string) =>
    (await readdir(join(h.data, 'blobs', owner.ownerId, id.slice(0, 2)))).filter((name) => name.startsWith(id));

  /** The row's blob holds the bytes it describes, and (unless told) no other blob of the id is left. */
  async function assertRowMatchesBlob(id: string, others = 0): Promise<string> {
    const row = await h.store.parts.find(owner.ownerId, id);
    assert.ok(row);
    const blob = await h.blobs.get({ ownerId: owner.ownerId, id, sha256: row.sha256 });
    assert.ok(blob);
    assert.equal(sha256Hex(blob), row.sha256);
    assert.equal((await blobFiles(id)).length, 1 + others, `blobs of ${id}: ${(await blobFiles(id)).join(', ')}`);
    return row.sha256;
  }

  it('a blob an interrupted upload left without a row never stands for the row of a later upload', async () => {
    const plain = randomChunk(2000);
    const interrupted = owner.keys.sealPart(plain, { compress: false });
    // The center died before recording it; prune removes such leftovers once they are old.
    await h.blobs.put({ ownerId: owner.ownerId, id: interrupted.id, sha256: interrupted.sha256 }, interrupted.bytes);
    const resent = owner.keys.sealPart(plain, { compress: false });
    assert.equal(resent.id, interrupted.id);
    expectStatus(await putPart(h, credential, resent), 201);
    assert.equal(await assertRowMatchesBlob(resent.id, 1), resent.sha256);
  });

  it('two concurrent uploads of one part with different sealings: one wins, the other is refused and leaves no blob, row and blob agree', async () => {
    const plain = randomChunk(50_000);
    const a = owner.keys.sealPart(plain, { compress: false });
    const b = owner.keys.sealPart(plain, { compress: false });
    const answers = await Promise.all([putPart(h, credential, a), putPart(h, credential, b)]);
    assert.deepEqual(answers.map((res) => res.statusCode).sort(), [201, 409]);
    const winner = answers[0]!.statusCode === 201 ? a : b;
    assert.equal(await assertRowMatchesBlob(a.id), winner.sha256);
  });

  const putBatch = (bearer: string, body: Buffer) =>
    call(h, 'PUT', '/v1/parts', { bearer, body, headers: { 'content-type': 'application/octet-stream' } });
  const batchOf = (parts: readonly SealedPart[]) =>
    encodePartBatch(parts.map((p) => ({ ref: { id: p.id, size: p.bytes.length, sha256: p.sha256 }, bytes: p.bytes })));
  const stored = (parts: readonly SealedPart[]) =>
    Promise.all(
      parts.map(async (p) => (await h.store.parts.find(owner.ownerId, p.id)) !== undefined || (await h.blobs.has(owner.ownerId, p.id))),
    );

  it('a batch stores its small parts in one pack and its large ones as blob files, one ack per part in order; again, all existing', async () => {
    const parts = [100, 0, 70_000, 3, 600_000].map((size) => owner.keys.sealPart(randomChunk(size), { compress: false }));
    const first = await putBatch(credential, batchOf(parts));
    expectStatus(first, 200);
    const acks = PartBatchAck.parse(first.json()).acks;
    assert.deepEqual(
      acks.map((a) => [a.ack.id, a.ack.sha256, a.stored]),
      parts.map((p) => [p.id, p.sha256, 'new']),
    );
    const rows = await Promise.all(parts.map((p) => h.store.parts.find(owner.ownerId, p.id)));
    const packs = new Set(rows.slice(0, 4).map((row) => row?.pack?.id));
    assert.equal(packs.size, 1, 'the four small parts share one pack');
    assert.ok([...packs][0], 'and it is a pack');
    assert.equal(rows[4]?.pack, null, 'the large part is a blob file of its own');
    assert.equal(await assertRowMatchesBlob(parts[4]!.id), parts[4]!.sha256);
    for (const p of parts) {
      const got = await call(h, 'GET', `/v1/parts/${p.id}`, { bearer: credential });
      expectStatus(got, 200);
      assert.equal(sha256Hex(got.rawPayload), p.sha256);
    }
    const again = PartBatchAck.parse((await putBatch(credential, batchOf(parts))).json()).acks;
    assert.deepEqual(
      again.map((a) => a.stored),
      ['existing', 'existing', 'existing', 'existing', 'existing'],
    );
  });

  it('a part stored with other bytes is answered with the stored ref, not a conflict', async () => {
    const plain = randomChunk(5000);
    const theirs = owner.keys.sealPart(plain, { compress: false });
    const mine = owner.keys.sealPart(plain, { compress: false });
    expectStatus(await putPart(h, credential, theirs), 201);
    const [ack] = PartBatchAck.parse((await putBatch(credential, batchOf([mine]))).json()).acks;
    assert.deepEqual([ack?.ack.sha256, ack?.stored], [theirs.sha256, 'existing']);
    assert.equal(await assertRowMatchesBlob(mine.id), theirs.sha256);
  });

  it('a bad batch stores nothing: one wrong hash, a truncated body, a repeated id, a malformed index, an owner credential', async () => {
    const parts = [10, 20, 30].map((size) => owner.keys.sealPart(randomChunk(size), { compress: false }));
    const refs = parts.map((p) => ({ ref: { id: p.id, size: p.bytes.length, sha256: p.sha256 }, bytes: p.bytes }));
    const wrongHash = encodePartBatch(refs.map((r, i) => (i === 2 ? { ...r, ref: { ...r.ref, sha256: parts[0]!.sha256 } } : r)));
    expectProblem(await putBatch(credential, wrongHash), 'PART_HASH_MISMATCH', 422);
    const full = batchOf(parts);
    expectProblem(await putBatch(credential, full.subarray(0, full.length - 1)), 'BAD_REQUEST', 400);
    const twice = Buffer.from(full);
    const index = JSON.parse(twice.subarray(4, 4 + twice.readUInt32BE(0)).toString()) as { parts: unknown[] };
    const dupIndex = Buffer.from(JSON.stringify({ parts: [index.parts[0], index.parts[0]] }));
    const dup = Buffer.concat([Buffer.alloc(4), dupIndex, parts[0]!.bytes, parts[0]!.bytes]);
    dup.writeUInt32BE(dupIndex.length);
    expectProblem(await putBatch(credential, dup), 'VALIDATION_FAILED', 400);
    expectProblem(await putBatch(credential, Buffer.from([0, 0, 0, 5, 123, 125])), 'BAD_REQUEST', 400);
    expectProblem(await putBatch(credential, Buffer.from([0, 0, 0, 2, 123, 125])), 'VALIDATION_FAILED', 400);
    expectProblem(await putBatch(owner.token, full), 'FORBIDDEN', 403);
    assert.deepEqual(await stored(parts), [false, false, false]);
  });

  it('a fetch answers the stored parts as a batch, in the order asked; unknown, foreign, damaged or too many bytes are refused', async () => {
    const parts = [300, 0, 5000].map((size) => owner.keys.sealPart(randomChunk(size), { compress: false }));
    expectStatus(await putBatch(credential, batchOf(parts)), 200);
    const fetch = (bearer: string, ids: string[]) => call(h, 'POST', '/v1/parts/fetch', { bearer, json: { ids } });
    const ids = [parts[2]!.id, parts[0]!.id, parts[1]!.id];
    for (const bearer of [credential, owner.token]) {
      const answer = await fetch(bearer, ids);
      expectStatus(answer, 200);
      const fetched = decodePartBatch(answer.rawPayload);
      assert.deepEqual(
        fetched.map((p) => [p.ref.id, sha256Hex(p.bytes)]),
        ids.map((id) => [id, parts.find((p) => p.id === id)!.sha256]),
      );
    }
    expectProblem(await fetch(credential, [parts[0]!.id, 'f'.repeat(64)]), 'NOT_FOUND', 404);
    const stranger = await newOwner(h);
    expectProblem(await fetch(stranger.token, [parts[0]!.id]), 'NOT_FOUND', 404);
    expectProblem(await fetch(credential, [parts[0]!.id, parts[0]!.id]), 'VALIDATION_FAILED', 400);
    // Rot on disk: one byte of the part inside its pack.
    const row = await h.store.parts.find(owner.ownerId, parts[2]!.id);
    await flipByte(packFile(join(h.data, 'blobs'), owner.ownerId, row!.pack!.id), row!.pack!.offset + 10);
    expectProblem(await fetch(credential, ids), 'PART_DAMAGED', 500);
    const big = [1, 2].map(() => owner.keys.sealPart(randomChunk(4.5 * 1024 * 1024), { compress: false }));
    for (const p of big) expectStatus(await putPart(h, credential, p), 201);
    expectProblem(
      await fetch(
        credential,
        big.map((p) => p.id),
      ),
      'VALIDATION_FAILED',
      400,
    );
  });

  it('blob files are 0600 and blob directories 0700, whatever the umask allows', async () => {
    const parts = [10, 300_000].map((size) => owner.keys.sealPart(randomChunk(size), { compress: false }));
    expectStatus(await putBatch(credential, batchOf(parts.slice(0, 1))), 200);
    expectStatus(await putPart(h, credential, parts[1]!), 201);
    const root = join(h.data, 'blobs');
    const seen = { files: 0, dirs: 0 };
    const walk = async (dir: string): Promise<void> => {
      assert.equal((await stat(dir)).mode & 0o777, 0o700, `directory ${dir}`);
      seen.dirs += 1;
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else {
          assert.equal((await stat(path)).mode & 0o777, 0o600, `file ${path}`);
          seen.files += 1;
        }
      }
    };
    await walk(root);
    assert.equal(seen.files, 2);
    assert.ok(seen.dirs >= 3, 'root, tmp, owner and fan-out directories');
  });

  it('concurrent uploads of the same bytes are idempotent: one new, the rest existing', async () => {
    const part = owner.keys.sealPart(randomChunk(1000), { compress: false });
    const answers = await Promise.all([1, 2, 3].map(() => putPart(h, credential, part)));
    assert.deepEqual(answers.map((res) => res.json().stored).sort(), ['existing', 'existing', 'new']);
    await assertRowMatchesBlob(part.id);
  });
});
