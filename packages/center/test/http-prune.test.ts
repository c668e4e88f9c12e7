/**
 * Prune beside live transfers, through the HTTP API: a part the center has
 * just answered as present is not pruned within the grace period, even when
 * no backup references it yet, so the backup that reuses it commits.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { prune, STALE_OPEN_MS } from '../src/maintenance/prune.ts';
import { call, enroll, expectStatus, newOwner, putPart, randomChunk, sealBackup, startHarness, type Harness } from './http-harness.ts';

const HOUR = 3600_000;

describe('HTTP API: prune beside transfers', () => {
  let h: Harness;
  beforeEach(async () => (h = await startHarness()));
  afterEach(() => h.close());

  const pruneNow = () => {
    const now = h.clock.now().getTime();
    return prune(h.store, h.blobs, {
      olderThan: new Date(now - HOUR).toISOString(),
      staleOpenBefore: new Date(now - STALE_OPEN_MS).toISOString(),
    });
  };

  it('a part answered as present outlives a prune within the grace period, and the backup reusing it commits', async () => {
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const backup = sealBackup(owner.keys, phone.handsetId, { 'a.jpg': [randomChunk(2000), randomChunk(3000)] });
    const [old] = backup.parts;
    // An earlier transfer sent one part and never ended.
    expectStatus(await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['media'] } }), 201);
    expectStatus(await putPart(h, phone.credential, old!), 201);
    h.clock.advance(2 * HOUR);

    const start = await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['media'] } });
    expectStatus(start, 201);
    const all = [...backup.parts, backup.manifest];
    const answer = (await call(h, 'POST', '/v1/parts/missing', { bearer: phone.credential, json: { ids: all.map((p) => p.id) } })).json<{
      missing: string[];
      present: Array<{ id: string }>;
    }>();
    assert.deepEqual(
      answer.present.map((p) => p.id),
      [old!.id],
    );
    for (const part of all.filter((p) => answer.missing.includes(p.id))) expectStatus(await putPart(h, phone.credential, part), 201);

    h.clock.advance(20 * 60_000);
    const report = await pruneNow();
    assert.equal(report.removedParts, 0, 'the part answered as present stays');
    const { backupId } = start.json<{ backupId: string }>();
    expectStatus(await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: backup.notice }), 200);
  });

  it('a loose part nobody asked about goes once the grace period has passed', async () => {
    const owner = await newOwner(h);
    const phone = await enroll(h, owner, 'phone');
    const loose = owner.keys.sealPart(randomChunk(100), { compress: false });
    expectStatus(await putPart(h, phone.credential, loose), 201);
    h.clock.advance(HOUR - 1);
    assert.equal((await pruneNow()).removedParts, 0);
    h.clock.advance(2);
    assert.equal((await pruneNow()).removedParts, 1);
    assert.equal(await h.blobs.has(owner.ownerId, loose.id), false);
  });
});
