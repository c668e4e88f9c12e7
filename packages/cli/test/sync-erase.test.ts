/**
 * S9 collective erase (FIG 20) with real processes: the erase uploads what
 * is not reflected first, asks (refused without an answer), then erases
 * the chosen kinds on this handset only. No deletion reaches the user area
 * or the other handset, and the erased handset syncs it all back down, its
 * own changes included. A SIM that is not bound to the handset refuses it,
 * nothing sent and nothing erased.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cliFails, cliJson, ran, sorted, SyncWorld } from '@phonesafe/testkit';

const MINE = { 'contacts/alice.vcf': 'alice', 'calendar/dentist.ics': 'dentist' };
const LATER = { 'contacts/bob.vcf': 'bob' };
const THEIRS = { 'contacts/carol.vcf': 'carol' };

interface EraseJson {
  kinds: string[];
  erase: string[];
  kept: string[];
  upload: { uploaded: string[]; uploadedDeletions: string[] };
}

test(
  'collective erase: saved first, asked, erased here only, synced back; refused on a SIM that is not bound',
  { timeout: 300_000 },
  async (t) => {
    const world = await SyncWorld.create(t, ['A', 'B', 'C']);
    await world.bindAll(['A', 'B']);
    await world.insert('B');
    await world.save('B', THEIRS);
    await world.remove('B');
    await world.insert('A');
    await world.save('A', MINE);
    await world.sync('A');
    await world.save('A', LATER);
    const full = await world.exportOf('A');
    assert.equal(full.size, 4);

    // Without --yes and without a terminal to ask on: refused, nothing erased (the upload came first, as FIG 20 has it).
    await cliFails(['handset', 'erase', '--data', world.dir('A')], world.env, 5, 'SYNC_ERASE_NOT_CONFIRMED');
    assert.deepEqual(await world.exportOf('A'), full);
    const area = await world.area();
    assert.deepEqual(sorted([...area.keys()]), sorted([...full.keys()]));

    const erased = await cliJson<EraseJson>(['handset', 'erase', '--kinds', 'contacts', '--yes', '--data', world.dir('A')], world.env);
    assert.deepEqual(sorted(erased.erase), ['contacts/alice.vcf', 'contacts/bob.vcf', 'contacts/carol.vcf']);
    assert.deepEqual(erased.upload.uploadedDeletions, []);
    assert.deepEqual([...(await world.exportOf('A')).keys()], ['calendar/dentist.ics']);
    assert.equal((await world.sync('A', ['--up'])).uploadedDeletions.length, 0, 'the erase left no deletion to upload');
    assert.deepEqual(await world.area(), area, 'the user area still holds everything, no tombstone');
    await world.remove('A');

    // The other handset keeps everything; the erased one gets it all back, its own changes included.
    const b = ran(await world.insert('B'), 'B in');
    assert.deepEqual(b.downloadedDeletions, []);
    assert.deepEqual(await world.exportOf('B'), full);
    await world.remove('B');
    const back = ran(await world.insert('A'), 'A in');
    assert.deepEqual(sorted(back.downloaded), ['contacts/alice.vcf', 'contacts/bob.vcf', 'contacts/carol.vcf']);
    assert.deepEqual(await world.exportOf('A'), full);
    assert.deepEqual((await world.sync('A')).downloaded, [], 'the refill is done once');
    await world.remove('A');

    // C is the owner's too but not bound: the SIM refuses the erase there, nothing sent, C's data stays.
    await world.save('C', { 'contacts/own.vcf': 'c only' });
    await world.insert('C');
    await cliFails(['handset', 'erase', '--yes', '--data', world.dir('C')], world.env, 3, 'SYNC_SIM_NOT_BOUND');
    assert.deepEqual([...(await world.exportOf('C')).keys()], ['contacts/own.vcf']);
    assert.deepEqual(await world.area(), area);
  },
);
