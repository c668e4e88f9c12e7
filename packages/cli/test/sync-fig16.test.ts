/**
 * FIG 16 ([0058]-[0067]) with real processes: one SIM moves through the
 * handsets; at every removal the handset uploads, at every insertion it
 * downloads. After each step the test asserts the user area (opened by the
 * owner at the pc), the exact set of items that crossed the wire in that
 * session, and every handset's export, against the model of
 * helpers/sync-model.ts; the three-handset run is also held to the literal
 * table of the research report (sync-seed-002.md §2). Variants: b2 a
 * deletion and c1 a change ([0060]), a non-empty area at T0 ([0067]), four
 * handsets ([0096]).
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { card, fig16, FIG16_WIRE, replay, save, type Step } from './helpers/sync-fig16.ts';
import { SyncModel } from './helpers/sync-model.ts';
import { sorted, SyncWorld } from '@phonesafe/testkit';

test('FIG 16 with three handsets and one SIM: exactly the table, step by step', { timeout: 600_000 }, async (t) => {
  const world = await SyncWorld.create(t, ['A', 'B', 'C']);
  await world.bindAll();
  await replay(world, new SyncModel(world.names), fig16(), FIG16_WIRE);
});

test('FIG 16 variant: b2 deletes a1 and c1 changes b1 ([0060])', { timeout: 600_000 }, async (t) => {
  const world = await SyncWorld.create(t, ['A', 'B', 'C']);
  await world.bindAll();
  const model = new SyncModel(world.names);
  await replay(
    world,
    model,
    fig16({ on: 'B', op: 'delete', path: 'contacts/a1.vcf' }, save('C', 'contacts/b1.vcf', card('b1 changed on C'))),
  );
  const area = await world.area();
  assert.deepEqual(sorted([...area.keys()]), ['contacts/a2.vcf', 'contacts/b1.vcf'], 'a1 deleted everywhere it synced, b1 changed');
});

test('FIG 16 variants: a non-empty user area at T0 ([0067]) and four handsets ([0096])', { timeout: 600_000 }, async (t) => {
  const world = await SyncWorld.create(t, ['P', 'A', 'B', 'C', 'D']);
  await world.bindAll();
  const model = new SyncModel(world.names);
  // Before T0 another terminal filled the area; A, which targets that data, receives every item it does not have.
  const before: Step[] = [
    { on: 'P', op: 'insert' },
    save('P', 'contacts/p1.vcf'),
    save('P', 'calendar/p2.ics', 'BEGIN:VCALENDAR\nEND:VCALENDAR\n'),
    { on: 'P', op: 'remove' },
  ];
  const rotation = ['A', 'B', 'C', 'D', 'A'].flatMap((on, n): Step[] => [
    { on, op: 'insert' },
    save(on, `contacts/${on.toLowerCase()}${n}.vcf`),
    { on, op: 'remove' },
  ]);
  await replay(world, model, [...before, ...rotation, { on: 'C', op: 'insert' }]);
});
