/**
 * Issue 8 item 17: a full disk. The center's blob directory is a small
 * tmpfs; once it is full, an upload answers 507 STORAGE_FULL (retryable),
 * stores and commits nothing, the owner gets one notice, /v1/health says
 * degraded, earlier backups stay readable, and the next try succeeds once
 * space is freed. Needs `mount -t tmpfs` (root); skipped where not permitted.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodePartBatch } from '@phonesafe/protocol';
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
} from './http-harness.ts';

const MIB = 1024 * 1024;

function mountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `cannot mount a tmpfs here (${String((error as { stderr?: Buffer }).stderr ?? error).trim()})`;
  }
}

/** Fills the file system holding `dir` until less than `leave` bytes are free. */
async function fill(dir: string, totalBytes: number, leave: number): Promise<string> {
  const filler = join(dir, 'filler');
  await writeFile(filler, Buffer.alloc(totalBytes - leave));
  return filler;
}

async function listPacks(h: { blobs: { listPacks(): AsyncIterable<{ packId: string }> } }): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of h.blobs.listPacks()) found.push(entry.packId);
  return found;
}

describe('HTTP API: a full disk', () => {
  it('an upload to a full blob store is 507 STORAGE_FULL, stores nothing, tells the owner once, and the next try succeeds after space is freed', async (t) => {
    const h = await startHarness();
    const blobs = join(h.data, 'blobs');
    await mkdir(blobs);
    const refused = mountTmpfs(blobs, '24m');
    if (refused) {
      await h.close();
      t.skip(refused);
      return;
    }
    try {
      const owner = await newOwner(h);
      const phone = await enroll(h, owner, 'phone');
      const earlier = sealBackup(owner.keys, phone.handsetId, { 'a.txt': [randomChunk(10_000)] });
      await runBackup(h, phone.credential, earlier);
      expectStatus(await call(h, 'GET', '/v1/health'), 200);

      const filler = await fill(blobs, 24 * MIB - 200 * 1024, MIB);
      const next = sealBackup(owner.keys, phone.handsetId, {
        'big.bin': [randomChunk(2 * MIB)],
        'messages.bin': Array.from({ length: 30 }, () => randomChunk(50 * 1024)),
      });
      const small = next.parts.slice(1);
      const sendSmall = () =>
        call(h, 'PUT', '/v1/parts', {
          bearer: phone.credential,
          body: encodePartBatch(small.map((p) => ({ ref: { id: p.id, size: p.bytes.length, sha256: p.sha256 }, bytes: p.bytes }))),
          headers: { 'content-type': 'application/octet-stream' },
        });
      const start = await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['media'] } });
      expectStatus(start, 201);
      const { backupId } = start.json<{ backupId: string }>();
      const [part] = next.parts;
      const full = expectProblem(await putPart(h, phone.credential, part!), 'STORAGE_FULL', 507);
      assert.equal(full.detail.includes(blobs), false, 'no path in the answer');
      expectProblem(await putPart(h, phone.credential, part!), 'STORAGE_FULL', 507);
      assert.equal(await h.store.parts.find(owner.ownerId, part!.id), undefined, 'no row');
      assert.equal(await h.blobs.has(owner.ownerId, part!.id), false, 'no blob');
      assert.deepEqual(await readdir(join(blobs, 'tmp')), [], 'no temporary file');
      // The small parts as one batch, one pack: refused whole, no pack and no row left behind.
      expectProblem(await sendSmall(), 'STORAGE_FULL', 507);
      for (const p of small) assert.equal(await h.store.parts.find(owner.ownerId, p.id), undefined, 'no row of a packed part');
      assert.deepEqual(await readdir(join(blobs, 'tmp')), [], 'no temporary pack');
      assert.deepEqual(await listPacks(h), [], 'no pack');
      expectProblem(
        await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: next.notice }),
        'PART_MISSING',
        422,
      );

      const notices = (await h.store.notices.list(owner.ownerId)).filter((n) => n.kind === 'storage-full');
      assert.equal(notices.length, 1, 'one notice for the two refusals');
      const health = await call(h, 'GET', '/v1/health');
      assert.equal(health.statusCode, 503);
      assert.deepEqual(health.json<{ status: string }>().status, 'degraded');
      for (const p of earlier.parts) expectStatus(await call(h, 'GET', `/v1/parts/${p.id}`, { bearer: phone.credential }), 200);

      await rm(filler);
      for (const p of [next.parts[0]!, next.manifest]) expectStatus(await putPart(h, phone.credential, p), 201);
      expectStatus(await sendSmall(), 200);
      assert.equal((await listPacks(h)).length, 1, 'the small parts went into one pack');
      expectStatus(await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: next.notice }), 200);
      expectStatus(await call(h, 'GET', '/v1/health'), 200);
    } finally {
      execFileSync('umount', [blobs]);
      await h.close();
    }
  });

  it("the database's own out-of-space errors are STORAGE_FULL too (SQLite, PostgreSQL, the file system under either)", async (t) => {
    const h = await startHarness();
    t.after(() => h.close());
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const faults = [
      Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13, errstr: 'database or disk is full' }),
      Object.assign(new Error('could not extend file "base/16384/2619": No space left on device'), { code: '53100', severity: 'ERROR' }),
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }),
      Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT', errno: -122, syscall: 'write' }),
    ];
    const findStored = h.store.parts.findStored;
    try {
      for (const fault of faults) {
        h.store.parts.findStored = async () => {
          throw fault;
        };
        const res = await call(h, 'POST', '/v1/parts/missing', { bearer: phone.credential, json: { ids: ['a'.repeat(64)] } });
        const problem = expectProblem(res, 'STORAGE_FULL', 507);
        assert.equal(res.json<{ retryable: boolean }>().retryable, true);
        assert.doesNotMatch(problem.detail, /base\/16384|ENOSPC|EDQUOT/, 'no internals in the answer');
      }
    } finally {
      h.store.parts.findStored = findStored;
    }
  });
});
