/**
 * Two center processes on one PostgreSQL database, the handsets split
 * between them: FIG 16 still holds exactly, and sequence numbers never
 * collide, even for uploads arriving at both centers at the same moment
 * (the counter row is locked in the transaction that writes each change).
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { OWNER_EMAIL, ownerEnv, pgDatabase, startCenter, tempDir, asHandset, SyncWorld, craftedPut } from '@phonesafe/testkit';
import { fig16, FIG16_WIRE, replay } from './helpers/sync-fig16.ts';
import { SyncModel } from './helpers/sync-model.ts';

test(
  'FIG 16 across two centers on one PostgreSQL database; concurrent uploads get distinct sequence numbers',
  { timeout: 600_000 },
  async (t) => {
    const database = await pgDatabase(t);
    const root = await tempDir(t);
    const env = { PHONESAFE_DB: database.url };
    const one = await startCenter(t, join(root, 'center-1'), 0, env);
    const two = await startCenter(t, join(root, 'center-2'), 0, env);
    const center = {
      root,
      data: one.data,
      center: one,
      env: ownerEnv(root, undefined, { PHONESAFE_CENTER: one.url, PHONESAFE_OWNER: OWNER_EMAIL }),
    };
    const world = await SyncWorld.create(t, ['A', 'B', 'C'], { center, enrollAt: { A: one.url, B: two.url, C: one.url } });
    await world.bindAll();
    await replay(world, new SyncModel(world.names), fig16(), FIG16_WIRE);

    // A and B (on different centers) each open a session and upload 20 pages at once, crafted past the SIM (both are registered terminals).
    const upload = async (name: string) => {
      const open = await world.openSessionAs(name, 'up');
      assert.equal(open.status, 201, JSON.stringify(open.json));
      const sessionId = open.json.sessionId as string;
      return Promise.all(
        Array.from({ length: 20 }, async () => {
          const changes = Array.from({ length: 5 }, () =>
            craftedPut('contacts', randomBytes(40).toString('base64'), randomBytes(40).toString('base64')),
          );
          const res = await asHandset(world.dir(name), 'POST', `/v1/sync/sessions/${sessionId}/changes`, { changes });
          assert.equal(res.status, 200, JSON.stringify(res.json));
          return (res.json.results as Array<{ seq: number }>).map((r) => r.seq);
        }),
      );
    };
    const seqs = (await Promise.all([upload('A'), upload('B')])).flat(2);
    assert.equal(seqs.length, 200);
    assert.equal(new Set(seqs).size, 200, 'no sequence number given twice');
    const before = 5; // FIG 16 made five changes: a1, b1, c1, a2, b2
    assert.deepEqual(
      [...seqs].sort((x, y) => x - y),
      Array.from({ length: 200 }, (_, i) => before + 1 + i),
      'and none skipped',
    );
  },
);
