/**
 * FIG 16's steps and the replay that asserts, after each, the user area, the
 * items on the wire and every handset's export (sync-fig16.test.ts,
 * sync-two-centers.test.ts).
 */
import { strict as assert } from 'node:assert';
import type { SyncModel } from './sync-model.ts';
import { ran, sorted, type SyncJson, type SyncWorld, type Triggered } from '@phonesafe/testkit';

export type Step =
  | { on: string; op: 'insert' | 'remove' }
  | { on: string; op: 'save'; files: Record<string, string> }
  | { on: string; op: 'delete'; path: string };

export const card = (name: string) => `BEGIN:VCARD\nVERSION:3.0\nFN:${name}\nEND:VCARD\n`;
export const save = (on: string, path: string, content = card(path)): Step => ({ on, op: 'save', files: { [path]: content } });

/** FIG 16 literally: the SIM on 10a at T0, a1; 10b, b1; 10c, c1; 10a, a2; 10b, b2; 10a. */
export function fig16(b2?: Step, c1?: Step): Step[] {
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
export const FIG16_WIRE: Record<number, { up?: string[]; down?: string[] }> = {
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

export async function replay(world: SyncWorld, model: SyncModel, steps: Step[], literal?: typeof FIG16_WIRE): Promise<void> {
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
