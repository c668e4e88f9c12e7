import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { newDataKey, OwnerKeys } from '@phonesafe/protocol/node';
import { SealPool } from '../src/backup-area/seal-pool.ts';

test('the seal pool seals on its threads what OwnerKeys opens, from a copy taken at the call', async () => {
  const dataKey = newDataKey();
  const keys = new OwnerKeys(dataKey);
  const pool = new SealPool(dataKey, 2);
  try {
    const window = Buffer.concat([randomBytes(300 * 1024), Buffer.alloc(700 * 1024, 'phonesafe ')]);
    const plains = [window.subarray(0, 256 * 1024), window.subarray(256 * 1024), window.subarray(100, 90 * 1024)].map((p) =>
      Buffer.from(p),
    );
    const sealing = [window.subarray(0, 256 * 1024), window.subarray(256 * 1024), window.subarray(100, 90 * 1024)].map((view, i) =>
      pool.seal(view, keys.partId(plains[i]!), true),
    );
    window.fill(0); // the caller reuses its window at once: the pool must have copied it
    const sealed = await Promise.all(sealing);
    sealed.forEach((s, i) => {
      const id = keys.partId(plains[i]!);
      assert.equal(s.sha256, createHash('sha256').update(s.bytes).digest('hex'));
      assert.deepEqual(keys.openPart(id, s.bytes), plains[i], `part ${i} opens to its plaintext`);
      assert.throws(() => keys.openPart(keys.partId(Buffer.from('other')), s.bytes), 'the id is bound in the AAD');
    });
    assert.ok(sealed[1]!.bytes.length < plains[1]!.length / 10, 'compressible text was compressed');
    assert.ok(sealed[0]!.bytes.length > plains[0]!.length, 'random bytes were stored as they are');
  } finally {
    await pool.close();
  }
});

test('a pool closed and used again starts its threads again', async () => {
  const dataKey = newDataKey();
  const keys = new OwnerKeys(dataKey);
  const pool = new SealPool(dataKey, 1);
  const plain = randomBytes(128 * 1024);
  const id = keys.partId(plain);
  assert.deepEqual(keys.openPart(id, (await pool.seal(plain, id, false)).bytes), plain);
  await pool.close();
  assert.deepEqual(keys.openPart(id, (await pool.seal(plain, id, false)).bytes), plain);
  await pool.close();
});

test('no pool on one or two cores; one thread per core besides the main one above', async () => {
  const dataKey = newDataKey();
  assert.equal(SealPool.forThisMachine(dataKey, 1), undefined);
  assert.equal(SealPool.forThisMachine(dataKey, 2), undefined);
  const pool = SealPool.forThisMachine(dataKey, 4);
  assert.equal(pool?.size, 3);
  await pool?.close();
});
