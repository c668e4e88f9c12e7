/**
 * Issue 8 item 5 through the HTTP API: damaged or missing blobs are marked
 * (by verify, or by a read that finds them bad), answered as missing, refused
 * in an end notice, and repaired by a re-upload of the part.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { encodePartBatch, PartBatchAck } from '@phonesafe/protocol';
import { sha256Hex, type SealedPart } from '@phonesafe/protocol/node';
import { verifyStore } from '../src/maintenance/verify.ts';
import {
  call,
  enroll,
  expectProblem,
  expectStatus,
  newOwner,
  putPart,
  randomChunk,
  runBackup,
  sealBackup,
  startHarness,
  type Harness,
  type SealedBackup,
  type TestOwner,
} from './http-harness.ts';

describe('HTTP API: healing damaged parts', () => {
  let h: Harness;
  let owner: TestOwner;
  let phone: { handsetId: string; credential: string };
  let chunks: Buffer[];
  let backup: SealedBackup;
  beforeEach(async () => {
    h = await startHarness();
    owner = await newOwner(h);
    phone = await enroll(h, owner, 'phone');
    chunks = [randomChunk(3000), randomChunk(4000), randomChunk(5000)];
    backup = sealBackup(owner.keys, phone.handsetId, { 'a.bin': chunks });
    await runBackup(h, phone.credential, backup);
  });
  afterEach(() => h.close());

  const dirOf = (id: string) => join(h.data, 'blobs', owner.ownerId, id.slice(0, 2));
  const blobFile = (p: { id: string; sha256: string }) => join(dirOf(p.id), `${p.id}.${p.sha256}`);
  const blobsOf = async (id: string) => (await readdir(dirOf(id))).filter((name) => name.startsWith(id));
  const flip = async (p: SealedPart) => {
    const bytes = await readFile(blobFile(p));
    bytes[7]! ^= 0x10;
    await writeFile(blobFile(p), bytes);
  };
  const missing = async (ids: string[]) =>
    (await call(h, 'POST', '/v1/parts/missing', { bearer: phone.credential, json: { ids } })).json<{
      missing: string[];
      present: Array<{ id: string }>;
    }>();
  const reseal = (i: number) => owner.keys.sealPart(chunks[i]!, { compress: false });
  const ref = (p: SealedPart) => ({ id: p.id, size: p.bytes.length, sha256: p.sha256 });

  it('verify marks a flipped and a lost blob; they are answered missing, refused at the end, and a re-upload repairs them', async () => {
    const [p0, p1, p2] = backup.parts;
    await flip(p0!);
    await rm(blobFile(p1!));
    const report = await verifyStore(h.store, h.blobs);
    assert.deepEqual(
      report.damaged.map((d) => [d.id, d.reason]).sort(),
      [
        [p0!.id, 'hash-mismatch'],
        [p1!.id, 'missing'],
      ].sort(),
    );
    assert.deepEqual((await h.store.parts.find(owner.ownerId, p0!.id))?.damaged, true);
    assert.deepEqual((await h.store.parts.find(owner.ownerId, p2!.id))?.damaged, false);

    const answer = await missing([p0!.id, p1!.id, p2!.id]);
    assert.deepEqual(answer.missing.sort(), [p0!.id, p1!.id].sort());
    assert.deepEqual(
      answer.present.map((p) => p.id),
      [p2!.id],
    );

    // An end notice naming the damaged parts as stored commits nothing.
    const next = await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['media'] } });
    const { backupId } = next.json<{ backupId: string }>();
    const extra = expectProblem(
      await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: backup.notice }),
      'PART_MISSING',
      422,
    ).extra;
    assert.deepEqual((extra['missing'] as string[]).sort(), [p0!.id, p1!.id].sort());

    // The handset seals them again (new bytes, same ids): one alone, one in a batch.
    const [r0, r1] = [reseal(0), reseal(1)];
    const single = await putPart(h, phone.credential, r0);
    expectStatus(single, 201);
    assert.deepEqual(single.json<{ ack: unknown }>().ack, ref(r0));
    const batch = await call(h, 'PUT', '/v1/parts', {
      bearer: phone.credential,
      body: encodePartBatch([{ ref: ref(r1), bytes: r1.bytes }]),
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.deepEqual(PartBatchAck.parse(batch.json()).acks, [{ ack: ref(r1), stored: 'new' }]);
    for (const r of [r0, r1]) {
      assert.deepEqual(await h.store.parts.find(owner.ownerId, r.id), { ...ref(r), damaged: false, pack: null });
      assert.deepEqual(await blobsOf(r.id), [`${r.id}.${r.sha256}`], 'the damaged bytes are gone');
      const got = await call(h, 'GET', `/v1/parts/${r.id}`, { bearer: phone.credential });
      assert.equal(sha256Hex(got.rawPayload), r.sha256);
    }
    assert.deepEqual((await verifyStore(h.store, h.blobs)).damaged, []);

    const healed = sealBackup(owner.keys, phone.handsetId, {});
    const notice = {
      ...backup.notice,
      manifest: healed.notice.manifest,
      parts: backup.notice.parts.map((p) => (p.id === r0.id ? ref(r0) : p.id === r1.id ? ref(r1) : p)),
    };
    expectStatus(await putPart(h, phone.credential, healed.manifest), 201);
    expectStatus(await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: notice }), 200);
  });

  it('a read that finds bad bytes marks the part, so the next backup is asked for it', async () => {
    const [p0] = backup.parts;
    await flip(p0!);
    expectProblem(await call(h, 'GET', `/v1/parts/${p0!.id}`, { bearer: owner.token }), 'PART_DAMAGED', 500);
    assert.equal((await h.store.parts.find(owner.ownerId, p0!.id))?.damaged, true);
    assert.deepEqual((await missing([p0!.id])).missing, [p0!.id]);
  });

  it('two handsets repairing one part at once: one wins, the row describes the one blob left', async () => {
    const other = await enroll(h, owner, 'tablet');
    const [p0] = backup.parts;
    await rm(blobFile(p0!));
    await verifyStore(h.store, h.blobs);
    const [a, b] = [reseal(0), reseal(0)];
    const answers = await Promise.all([putPart(h, phone.credential, a), putPart(h, other.credential, b)]);
    assert.deepEqual(answers.map((res) => res.statusCode).sort(), [201, 409]);
    const winner = answers[0]!.statusCode === 201 ? a : b;
    assert.deepEqual(await h.store.parts.find(owner.ownerId, p0!.id), { ...ref(winner), damaged: false, pack: null });
    assert.deepEqual(await blobsOf(p0!.id), [`${p0!.id}.${winner.sha256}`]);
  });

  it('verify lifts the mark when the bytes are back, and uploading the same bytes again repairs a blob in place', async () => {
    const [p0, p1] = backup.parts;
    const saved = await readFile(blobFile(p0!));
    await rm(blobFile(p0!));
    await flip(p1!);
    await verifyStore(h.store, h.blobs);
    await writeFile(blobFile(p0!), saved);
    expectStatus(await putPart(h, phone.credential, p1!), 201);
    assert.deepEqual((await verifyStore(h.store, h.blobs)).damaged, []);
    for (const p of [p0!, p1!]) assert.equal((await h.store.parts.find(owner.ownerId, p.id))?.damaged, false);
    assert.deepEqual((await missing([p0!.id, p1!.id])).missing, []);
  });
});
