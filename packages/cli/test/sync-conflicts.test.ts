/**
 * S8 with real processes: the center detects conflicting changes by
 * compare-and-set on the base version and writes nothing of the loser; the
 * handset resolves them where the plaintext is and loses nothing: keep both
 * (the other terminal's version at the name, its own as a conflict copy),
 * an edit beats a deletion either way round. A SIM-less handset editing
 * synced data is warned ([0068]), or refused with --require-sim-for-edits
 * ([0023]).
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, cliFails, writeTree, ran, sorted, SyncWorld } from '@phonesafe/testkit';

const X = 'contacts/x.vcf';
const COPY = 'contacts/x (conflict A).vcf';

test(
  'keep both on an edit against an edit; an edit beats a deletion both ways; SIM-less edits warned, then refused',
  { timeout: 300_000 },
  async (t) => {
    const world = await SyncWorld.create(t, ['A', 'B']);
    await world.bindAll();
    await world.insert('A');
    await world.save('A', { [X]: 'v1' });
    await world.remove('A');
    assert.deepEqual(ran(await world.insert('B'), 'B in').downloaded, [X]);
    await world.remove('B');

    // A edits without the SIM (warned); B edits with it and uploads first.
    const src = join(world.w.root, 'a-edit');
    await writeTree(src, { [X]: 'edited on A' });
    const edit = await cli(['handset', 'import', '--data', world.dir('A'), src], world.env);
    assert.equal(edit.code, 0, edit.stderr);
    assert.match(edit.stderr, /warning: no SIM is inserted: this change may conflict/);
    await world.insert('B');
    await world.save('B', { [X]: 'edited on B' });
    assert.deepEqual(ran(await world.remove('B'), 'B out').uploaded, [X]);
    // A's upload conflicts; it keeps both and sends its own version as a copy.
    const a = ran(await world.insert('A'), 'A in');
    assert.deepEqual(a.conflicts, [{ path: X, copy: COPY, kind: 'edit-edit' }]);
    assert.deepEqual(sorted(a.uploaded), [COPY]);
    assert.deepEqual(a.downloaded, [X]);
    assert.deepEqual(
      await world.exportOf('A'),
      new Map([
        [X, 'edited on B'],
        [COPY, 'edited on A'],
      ]),
    );
    await world.remove('A');
    assert.deepEqual(ran(await world.insert('B'), 'B in').downloaded, [COPY]);
    assert.deepEqual(
      await world.exportOf('B'),
      new Map([
        [X, 'edited on B'],
        [COPY, 'edited on A'],
      ]),
    );

    // B deletes X with the SIM; A, SIM-less, edits it: the edit comes back everywhere.
    await world.delete('B', X);
    assert.deepEqual(ran(await world.remove('B'), 'B out').uploadedDeletions, [X]);
    await world.save('A', { [X]: 'A again' });
    const back = ran(await world.insert('A'), 'A in');
    assert.deepEqual(back.conflicts, [{ path: X, copy: null, kind: 'edit-delete' }]);
    assert.deepEqual(back.uploaded, [X]);
    assert.equal((await world.area()).size, 2);
    await world.remove('A');
    assert.deepEqual(ran(await world.insert('B'), 'B in').downloaded, [X]);
    await world.remove('B');

    // B, SIM-less, deletes X; A edits it with the SIM: B's deletion loses to the edit.
    await world.delete('B', X);
    await world.insert('A');
    await world.save('A', { [X]: 'A third' });
    await world.remove('A');
    const b = ran(await world.insert('B'), 'B in');
    assert.deepEqual(b.conflicts, [{ path: X, copy: null, kind: 'delete-edit' }]);
    assert.deepEqual(b.uploadedDeletions, []);
    assert.equal((await world.exportOf('B')).get(X), 'A third');
    await world.remove('B');
    const area = await world.area();
    assert.equal(area.size, 2, 'x and its conflict copy: nothing was lost');

    // --require-sim-for-edits: A refuses SIM-less edits; nothing changes.
    await world.insert('A');
    await cli(['handset', 'bind', '--require-sim-for-edits', '--data', world.dir('A')], world.env);
    await world.remove('A');
    await cliFails(['handset', 'import', '--data', world.dir('A'), src], world.env, 2, 'USAGE');
    await cliFails(['handset', 'delete', '--data', world.dir('A'), X], world.env, 2, 'USAGE');
    assert.equal((await world.exportOf('A')).get(X), 'A third');
  },
);
