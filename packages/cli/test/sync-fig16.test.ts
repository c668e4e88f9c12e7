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
import { ran, sorted, SyncWorld, type SyncJson, type Triggered } from './helpers/sync-world.ts';
import { SyncModel } from './helpers/sync-model.ts';

type Step =
  | { on: string; op: 'insert' | 'remove' }
  | { on: string; op: 'save'; files: Record<string, string> }
  | { on: string; op: 'delete'; path: string };

const card = (name: string) => `BEGIN:VCARD\nVERSION:3.0\nFN:${name}\nEND:VCARD\n`;
const save = (on: string, path: string, content = card(path)): Step => ({ on, op: 'save', files: { [path]: content } });

/** FIG 16 literally: the SIM on 10a at T0, a1; 10b, b1; 10c, c1; 10a, a2; 10b, b2; 10a. */
function fig16(b2?: Step, c1?: Step): Step[] {
  return [
    { on: 'A', op: 'insert' },
    save('A', 'contacts/a1.vcf'),
    { on: 'A', op: 'remove' },
    { on: 'B', op: 'insert' },
    save('B', 'contacts/b1.vcf'),
    { on: 'B', op: 'remove' },
    { on: 'C', op: 'insert' },
    c1 ?? save('C', 'contacts/c1.vcf'),
    { on: 'C', op: 'remove' },
    { on: 'A', op: 'insert' },
    save('A', 'contacts/a2.vcf'),
    { on: 'A', op: 'remove' },
    { on: 'B', op: 'insert' },
    b2 ?? save('B', 'contacts/b2.vcf'),
    { on: 'B', op: 'remove' },
    { on: 'A', op: 'insert' },
  ];
}

/** The research report's table (§2): what crosses the wire at each numbered step (1-based). */
const FIG16_WIRE: Record<number, { up?: string[]; down?: string[] }> = {
  1: { up: [], down: [] },
  3: { up: ['contacts/a1.vcf'], down: [] },
  4: { up: [], down: ['contacts/a1.vcf'] },
  6: { up: ['contacts/b1.vcf'], down: [] },
  7: { up: [], down: ['contacts/a1.vcf', 'contacts/b1.vcf'] },
  9: { up: ['contacts/c1.vcf'], down: [] },
  10: { up: [], down: ['contacts/b1.vcf', 'contacts/c1.vcf'] },
  12: { up: ['contacts/a2.vcf'], down: [] },
  13: { up: [], down: ['contacts/a2.vcf', 'contacts/c1.vcf'] },
  15: { up: ['contacts/b2.vcf'], down: [] },
  16: { up: [], down: ['contacts/b2.vcf'] },
};

function wire(sync: SyncJson): { up: string[]; down: string[] } {
  return { up: sorted([...sync.uploaded, ...sync.uploadedDeletions]), down: sorted([...sync.downloaded, ...sync.downloadedDeletions]) };
}

async function replay(world: SyncWorld, model: SyncModel, steps: Step[], literal?: typeof FIG16_WIRE): Promise<void> {
  for (const [i, step] of steps.entries()) {
    const label = `step ${i + 1} (${step.op} on ${step.on})`;
    let triggered: Triggered = null;
    if (step.op === 'save') {
      await world.save(step.on, step.files);
      model.save(step.on, step.files);
    } else if (step.op === 'delete') {
      await world.delete(step.on, step.path);
      model.delete(step.on, step.path);
    } else {
      triggered = step.op === 'insert' ? await world.insert(step.on) : await world.remove(step.on);
      const expected = model.session(step.on, step.op === 'insert' ? 'both' : 'up');
      const seen = wire(ran(triggered, label));
      assert.deepEqual(seen, expected, `${label}: the items on the wire`);
      const table = literal?.[i + 1];
      if (table) assert.deepEqual(seen, { up: sorted(table.up ?? []), down: sorted(table.down ?? []) }, `${label}: FIG 16's table`);
      assert.deepEqual(ran(triggered, label).conflicts, [], `${label}: no conflicts`);
    }
    assert.deepEqual(await world.area(), model.area(), `${label}: the user area`);
    const exports = await Promise.all(world.names.map((name) => world.exportOf(name)));
    for (const [n, name] of world.names.entries()) assert.deepEqual(exports[n], model.memory(name), `${label}: handset ${name}'s export`);
  }
}

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
