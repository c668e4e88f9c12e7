import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pgDatabase } from '@phonesafe/testkit';
import { openStore } from '../src/center-store.ts';
import type { Store } from '../src/center-store.ts';
import { registerStoreConformance } from './store-conformance.ts';
import { materialise, scheduleRow } from './store-conformance-jobs.ts';
import { at, handsetRow, seedOwner, uid } from './store-fixtures.ts';

registerStoreConformance('postgres', async () => {
  const database = await pgDatabase();
  const store = await openStore(database.url);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await database.drop();
    },
  };
});

describe('two stores (two centers) on one PostgreSQL database', () => {
  let database: { url: string; drop: () => Promise<void> };
  let one: Store;
  let two: Store;
  before(async () => {
    database = await pgDatabase();
    one = await openStore(database.url);
    two = await openStore(database.url);
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  it('claiming the same due jobs concurrently, never both get a job, and together they get all', async () => {
    const { owner } = await seedOwner(one);
    const handsets = Array.from({ length: 40 }, () => handsetRow(owner.id));
    for (const h of handsets) {
      await one.handsets.create(h);
      await one.schedules.put(scheduleRow(h));
    }
    const jobs = await materialise(one, at(10), handsets, at(1000));
    assert.equal(jobs.length, handsets.length);

    const claims: Record<'one' | 'two', string[]> = { one: [], two: [] };
    const claimer = async (name: 'one' | 'two', store: Store) => {
      // Small batches, many rounds, so the two transactions interleave.
      for (let round = 0; round < 20; round++) {
        const taken = await store.jobs.takeDue('due', at(10), 3, () => ({ status: 'requested', requestId: uid(name), updatedAt: at(10) }));
        claims[name].push(...taken.map((t) => t.after.id));
      }
    };
    await Promise.all([claimer('one', one), claimer('two', two)]);

    const both = claims.one.filter((id) => claims.two.includes(id));
    assert.deepEqual(both, [], 'no job claimed by both');
    assert.ok(claims.one.length > 0 && claims.two.length > 0, `both centers claimed some (${claims.one.length}/${claims.two.length})`);
    assert.deepEqual([...claims.one, ...claims.two].sort(), jobs.map((j) => j.id).sort());
  });

  it('materialising the same due schedules concurrently makes one job per handset', async () => {
    const { owner } = await seedOwner(one);
    const handsets = Array.from({ length: 30 }, () => handsetRow(owner.id));
    for (const h of handsets) {
      await one.handsets.create(h);
      await one.schedules.put(scheduleRow(h, { nextRunAt: at(500) }));
    }
    const made = await Promise.all([1, 2, 3, 4].map((i) => materialise(i % 2 ? one : two, at(500), handsets, at(2000))));
    assert.equal(made.flat().length, handsets.length);
    for (const h of handsets) assert.equal((await one.jobs.listByHandset(h.id)).length, 1);
  });
});
