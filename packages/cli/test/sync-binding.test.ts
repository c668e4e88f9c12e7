/**
 * S2-S4 with real processes: registration (FIG 8, the shop's FIG 19), the
 * binding modes (FIG 10, 11, 12, 9) refusing a SIM in an unbound handset
 * before anything is sent, the center refusing a crafted request with that
 * handset's own credential, the PIN's 3 tries and the PUK, and the center's
 * security level with counted wrong tries, lockout and the owner's notice.
 * Each refusal leaves the user area and the handset's data as they were.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, cliFails, cliJson, ownerEnv, writeTree, asHandset, SYNC_NUMBER, ran, SyncWorld } from '@phonesafe/testkit';

test(
  'a SIM in an unbound handset of the same owner, or in another owner’s handset holding data, syncs nothing either way',
  { timeout: 300_000 },
  async (t) => {
    const world = await SyncWorld.create(t, ['A', 'U']);
    await world.bindAll(['A']);
    await world.insert('A');
    await world.save('A', { 'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nEND:VCARD\n' });
    await world.remove('A');
    const area = await world.area();
    assert.equal(area.size, 1);

    // The same owner's handset U, never bound: insertion's sync is refused locally, and so is a manual one.
    await world.save('U', { 'contacts/u-own.vcf': 'BEGIN:VCARD\nFN:U\nEND:VCARD\n' });
    const inserted = await world.insert('U');
    assert.ok(inserted && !inserted.ok && inserted.code === 'SYNC_SIM_NOT_BOUND', JSON.stringify(inserted));
    await cliFails(['handset', 'sync', '--data', world.dir('U')], world.env, 3, 'SYNC_SIM_NOT_BOUND');
    // A crafted request with U's own credential: the center refuses it too, for its own terminal ID and for A's.
    for (const terminalId of [await world.terminalIdOf('U'), await world.terminalIdOf('A')]) {
      const open = await world.openSessionAs('U', 'both', { terminalId });
      assert.equal(open.status, 403);
      assert.equal(open.json.code, 'SYNC_NOT_BOUND');
    }
    assert.deepEqual([...(await world.exportOf('U')).keys()], ['contacts/u-own.vcf'], 'nothing reached U');
    await world.remove('U', ['--no-sync']);

    // Mallory's handset M at the same center, holding data: the SIM in it syncs nothing, and it cannot register.
    const mallory = ownerEnv(join(world.w.root, 'mallory'), 'mallory password', {
      PHONESAFE_CENTER: world.w.center.url,
      PHONESAFE_OWNER: 'mallory@example.org',
    });
    const env = { ...mallory, PHONESAFE_PIN: world.env.PHONESAFE_PIN!, PHONESAFE_TERMINAL_PASSWORD: 'mallory terminal' };
    const m = join(world.w.root, 'mallory-phone');
    await cliJson(['handset', 'enroll', '--center', world.w.center.url, '--owner', 'mallory@example.org', '--name', 'm', '--data', m], env);
    await cliJson(['handset', 'password', 'set', '--data', m], env);
    const src = join(world.w.root, 'mallory-src');
    await writeTree(src, { 'contacts/mallory.vcf': 'BEGIN:VCARD\nFN:Mallory\nEND:VCARD\n' });
    await cliJson(['handset', 'import', '--data', m, src], env);
    const mIn = await cliJson<{ sync: { ok: boolean; code?: string } }>(['handset', 'sim', 'insert', '--sim', world.sim, '--data', m], env);
    assert.equal(mIn.sync.code, 'SYNC_SIM_NOT_BOUND');
    await cliFails(['handset', 'bind', '--data', m], env, 3, 'SYNC_NOT_BOUND');
    const mId = (await cliJson<{ terminalId: string }>(['handset', 'sim', 'status', '--data', m], env)).terminalId;
    const crafted = await asHandset(m, 'POST', '/v1/sync/sessions', {
      number: SYNC_NUMBER,
      terminalId: mId,
      reason: 'manual',
      direction: 'both',
    });
    assert.equal(crafted.status, 403);
    const register = await asHandset(m, 'PUT', `/v1/sync/terminals/${mId}`, {
      number: SYNC_NUMBER,
      kinds: ['contacts'],
      registeredVia: 'shop',
    });
    assert.equal(register.status, 403);
    await cliJson(['handset', 'sim', 'remove', '--no-sync', '--to', world.sim, '--data', m], env);

    assert.deepEqual(await world.area(), area, 'the user area is unchanged');
    const view = await cliJson<{ terminals: Array<{ terminalId: string }> }>(
      ['pc', 'subscriber', 'show', '--number', SYNC_NUMBER],
      world.env,
    );
    assert.deepEqual(
      view.terminals.map((x) => x.terminalId),
      [await world.terminalIdOf('A')],
      'only A is a terminal',
    );
  },
);

test(
  'FIG 11 (terminal IDs on the SIM), FIG 12 (password at every sync), FIG 9 (PIN and password each time), the shop',
  { timeout: 300_000 },
  async (t) => {
    const world = await SyncWorld.create(t, ['S', 'P', 'E', 'X', 'H']);
    // FIG 11-A: S's terminal ID is written to the SIM; X (never bound) is refused by FIG 11-B.
    await world.insert('S');
    await cliJson(['handset', 'bind', '--mode', 'sim', '--data', world.dir('S')], world.env);
    const sim = await cliJson<{ terminalIds: string[] }>(['sim', 'show', '--sim', join(world.dir('S'), 'sim.json')], world.env);
    assert.deepEqual(sim.terminalIds, [await world.terminalIdOf('S')]);
    await world.save('S', { 'contacts/s.vcf': 'S' });
    assert.deepEqual(ran(await world.remove('S'), 'S removal').uploaded, ['contacts/s.vcf']);
    const x = await world.insert('X');
    assert.ok(x && !x.ok && x.code === 'SYNC_SIM_NOT_BOUND');
    await world.remove('X', ['--no-sync']);

    // FIG 12: P asks the terminal password at every sync; a wrong one is refused before anything is sent.
    await world.insert('P');
    await cliJson(['handset', 'bind', '--password-each-sync', '--data', world.dir('P')], world.env);
    await world.save('P', { 'contacts/p.vcf': 'P' });
    await cliFails(
      ['handset', 'sync', '--data', world.dir('P')],
      { ...world.env, PHONESAFE_TERMINAL_PASSWORD: 'wrong' },
      3,
      'SYNC_TERMINAL_PASSWORD_WRONG',
    );
    assert.deepEqual([...(await world.area()).keys()], ['contacts/s.vcf'], 'the refused sync sent nothing');
    const synced = await cliJson<{ uploaded: string[]; downloaded: string[] }>(['handset', 'sync', '--data', world.dir('P')], world.env);
    assert.deepEqual(synced, { ...synced, uploaded: ['contacts/p.vcf'], downloaded: ['contacts/s.vcf'] });
    await world.remove('P');

    // FIG 9: E stores no binding; the PIN and the terminal password are asked at every sync.
    await world.insert('E');
    await cliJson(['handset', 'bind', '--mode', 'every-sync', '--data', world.dir('E')], world.env);
    const { PHONESAFE_PIN: _pin, ...noPin } = world.env;
    await cliFails(['handset', 'sync', '--data', world.dir('E')], noPin, 3, 'SYNC_PIN_WRONG');
    await cliFails(
      ['handset', 'sync', '--data', world.dir('E')],
      { ...world.env, PHONESAFE_TERMINAL_PASSWORD: 'wrong' },
      3,
      'SYNC_TERMINAL_PASSWORD_WRONG',
    );
    const e = await cliJson<{ downloaded: string[] }>(['handset', 'sync', '--data', world.dir('E')], world.env);
    assert.deepEqual(e.downloaded.sort(), ['contacts/p.vcf', 'contacts/s.vcf']);
    await world.remove('E');

    // The shop (FIG 18/19): the PIN is checked, no terminal password; the handset is bound and registered.
    await world.insert('H');
    const { PHONESAFE_TERMINAL_PASSWORD: _pw, ...noPassword } = world.env;
    await cliFails(['handset', 'bind', '--shop', '--data', world.dir('H')], { ...noPassword, PHONESAFE_PIN: '0000' }, 3, 'SYNC_PIN_WRONG');
    await cliJson(['handset', 'bind', '--shop', '--data', world.dir('H')], noPassword);
    const h = await cliJson<{ downloaded: string[] }>(['handset', 'sync', '--data', world.dir('H')], noPassword);
    assert.equal(h.downloaded.length, 2);
    const view = await cliJson<{ terminals: Array<{ registeredVia: string; holdsSim: boolean; handsetName: string }> }>(
      ['pc', 'subscriber', 'show', '--number', SYNC_NUMBER],
      world.env,
    );
    assert.deepEqual(
      view.terminals.map((x) => [x.handsetName, x.registeredVia, x.holdsSim]),
      [
        ['S', 'terminal', false],
        ['P', 'terminal', false],
        ['E', 'terminal', false],
        ['H', 'shop', true],
      ],
    );
  },
);

test(
  'the PIN: 3 wrong tries block the SIM, the PUK unblocks it; a wrong terminal password registers nothing',
  { timeout: 300_000 },
  async (t) => {
    const world = await SyncWorld.create(t, ['A']);
    const card = world.sim;
    for (const left of [2, 1]) {
      const r = await cliFails(
        ['handset', 'sim', 'insert', '--sim', card, '--data', world.dir('A')],
        { ...world.env, PHONESAFE_PIN: '1111' },
        3,
        'SYNC_PIN_WRONG',
      );
      assert.match(r.stderr, new RegExp(`${left} tr`));
    }
    await cliFails(
      ['handset', 'sim', 'insert', '--sim', card, '--data', world.dir('A')],
      { ...world.env, PHONESAFE_PIN: '1111' },
      3,
      'SYNC_SIM_BLOCKED',
    );
    await cliFails(['handset', 'sim', 'insert', '--sim', card, '--data', world.dir('A')], world.env, 3, 'SYNC_SIM_BLOCKED');
    assert.equal((await cliJson<{ state: string }>(['sim', 'show', '--sim', card], world.env)).state, 'pin-blocked');
    await cliFails(['sim', 'unblock', '--sim', card], { ...world.env, PHONESAFE_PUK: '00000000' }, 3, 'SYNC_PIN_WRONG');
    const shown = await cliJson<{ pukTriesLeft: number }>(['sim', 'show', '--sim', card], world.env);
    assert.equal(shown.pukTriesLeft, 9);

    // A SIM whose PUK is known: unblocked, the new PIN works.
    const known = join(world.w.root, 'known-sim.json');
    await cliJson(['sim', 'create', '--sim', known, '--number', SYNC_NUMBER], { ...world.env, PHONESAFE_PUK: '12345678' });
    for (let i = 0; i < 3; i++)
      await cli(['handset', 'sim', 'insert', '--sim', known, '--data', world.dir('A')], { ...world.env, PHONESAFE_PIN: '9999' });
    await cliJson(['sim', 'unblock', '--sim', known], { ...world.env, PHONESAFE_PUK: '12345678', PHONESAFE_PIN: '1357' });
    await cliJson(['handset', 'sim', 'insert', '--sim', known, '--data', world.dir('A')], { ...world.env, PHONESAFE_PIN: '1357' });

    // FIG 8: a wrong terminal password is refused and the center has no terminal row.
    await cliFails(
      ['handset', 'bind', '--data', world.dir('A')],
      { ...world.env, PHONESAFE_PIN: '1357', PHONESAFE_TERMINAL_PASSWORD: 'nope' },
      3,
      'SYNC_TERMINAL_PASSWORD_WRONG',
    );
    const view = await cliJson<{ terminals: unknown[] }>(['pc', 'subscriber', 'show', '--number', SYNC_NUMBER], world.env);
    assert.deepEqual(view.terminals, []);
  },
);

test(
  'server-side authentication (S4): the security level asks the terminal password; wrong tries are counted, locked at 10, the owner told',
  { timeout: 300_000 },
  async (t) => {
    const world = await SyncWorld.create(t, ['A']);
    await world.bindAll();
    await cliJson(['pc', 'subscriber', 'set', '--number', SYNC_NUMBER, '--security', 'terminal-password'], world.env);
    await world.insert('A');
    await world.save('A', { 'contacts/a.vcf': 'A' });
    // In FIG 10 mode the handset asks no password itself; the center does.
    const { PHONESAFE_TERMINAL_PASSWORD: _pw, ...noPassword } = world.env;
    await cliFails(['handset', 'sync', '--data', world.dir('A')], noPassword, 3, 'UNAUTHENTICATED');
    const open = (terminalPassword: string) => world.openSessionAs('A', 'both', { terminalPassword });
    for (let i = 2; i <= 9; i++) assert.equal((await open(`wrong ${i}`)).status, 401, `wrong try ${i}`);
    const tenth = await open('wrong 10');
    assert.equal(tenth.status, 401);
    const locked = await open(world.env.PHONESAFE_TERMINAL_PASSWORD!);
    assert.equal(locked.status, 429, 'locked: even the right password is refused');
    assert.equal(locked.json.code, 'LOCKED');
    const notices = await cliJson<{ notices: Array<{ kind: string }> }>(['pc', 'notices'], world.env);
    assert.ok(
      notices.notices.some((n) => n.kind === 'sync-locked'),
      'the owner is told',
    );
    assert.equal((await world.area()).size, 0, 'nothing was uploaded');
  },
);
