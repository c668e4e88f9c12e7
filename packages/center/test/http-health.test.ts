/** GET /v1/health reports the storage it checked: 200 ok, or 503 degraded when the database or the blob store is in trouble. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { call, startHarness } from './http-harness.ts';

describe('HTTP API: health', () => {
  it('ok: the database answers, the blob directory takes a file, and the free bytes are known', async (t) => {
    const h = await startHarness();
    t.after(() => h.close());
    const res = await call(h, 'GET', '/v1/health');
    assert.equal(res.statusCode, 200);
    const body = res.json<{ status: string; storage: { database: string; blobs: string; freeBytes: number } }>();
    assert.deepEqual(
      { ...body, storage: { ...body.storage, freeBytes: 0 } },
      { status: 'ok', storage: { database: 'ok', blobs: 'ok', freeBytes: 0 } },
    );
    assert.ok(body.storage.freeBytes > 0);
  });

  it('degraded (503) when the blob directory cannot be written', async (t) => {
    const h = await startHarness();
    t.after(() => h.close());
    // A file where the blob directory belongs: nothing can be created under it.
    await writeFile(join(h.data, 'blobs'), 'in the way');
    const res = await call(h, 'GET', '/v1/health');
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json(), { status: 'degraded', storage: { database: 'ok', blobs: 'not-writable', freeBytes: null } });
  });

  it('degraded (503) when the database does not answer', async (t) => {
    const h = await startHarness();
    t.after(() => h.close());
    await h.store.close();
    const res = await call(h, 'GET', '/v1/health');
    assert.equal(res.statusCode, 503);
    assert.equal(res.json<{ storage: { database: string } }>().storage.database, 'unreachable');
  });
});
