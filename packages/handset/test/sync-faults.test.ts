/**
 * SIM sync faults (sync.md): an upload the center applied whose answer never
 * came back (the center killed after applying, or the link broken) is sent
 * again with the same tag and answered as applied: no duplicate, no
 * spurious conflict. A handset that applied a download but could not end
 * the session leaves the cursor where it was; the next session downloads
 * again, applying twice changes nothing, and then the cursor moves.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { DATA_KINDS, PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient, type HttpOptions, SyncClient } from '@phonesafe/protocol/node';
import { createSubscriberAsOwner, OWNER_EMAIL, OWNER_PASSWORD, readTree } from '@phonesafe/testkit';
import { createSim } from '../src/index.ts';
import { centerWorld } from './center-world.ts';

const NUMBER = '+819011112222';
const PIN = '1234';
const PASSWORD = 'terminal pass';

/** The center does the work, the handset never hears the answer: once, for the named call. */
class LosingClient extends CenterClient {
  static lose = new Set<'upload' | 'end'>();

  override sync(): SyncClient {
    const inner = super.sync();
    const lost = (what: 'upload' | 'end') => {
      if (!LosingClient.lose.delete(what)) return false;
      return true;
    };
    return new (class extends SyncClient {
      override async upload(...args: Parameters<SyncClient['upload']>) {
        const answer = await inner.upload(...args);
        if (lost('upload')) throw new PhoneSafeError('NETWORK', 'the answer was lost');
        return answer;
      }
      override async endSession(...args: Parameters<SyncClient['endSession']>) {
        if (lost('end')) throw new PhoneSafeError('NETWORK', 'killed before the end');
        return inner.endSession(...args);
      }
    })(this.http);
  }
}

test(
  'a lost upload answer and a download applied without its end: no duplicate, no lost change, the cursor right',
  { timeout: 120_000 },
  async (t) => {
    const world = await centerWorld(t, { label: 'sync-faults' });
    const connect = (o: HttpOptions) => new LosingClient(o);
    const a = await world.handset('a', { connect });
    const b = await world.handset('b', { connect });
    await createSubscriberAsOwner(world.url, OWNER_EMAIL, OWNER_PASSWORD, NUMBER);
    const owner = await world.owner();
    const sim = join(world.root, 'sim.json');
    await createSim(sim, { number: NUMBER, pin: PIN });
    const bind = async (agent: typeof a) => {
      await agent.simSync.setPassword(PASSWORD);
      await agent.simSync.insertSim(sim, PIN, {});
      const kinds = [...DATA_KINDS];
      await agent.simSync.bind({
        mode: 'terminal',
        passwordEachSync: false,
        requireSimForEdits: false,
        kinds,
        shop: false,
        pin: PIN,
        password: PASSWORD,
      });
      await agent.simSync.removeSim(sim, { noSync: true, secrets: {} });
    };
    await bind(a);
    await bind(b);

    await a.simSync.insertSim(sim, PIN, {});
    await a.importTree(await world.tree({ 'contacts/x.vcf': 'BEGIN:VCARD\nFN:X\nEND:VCARD\n' }));
    LosingClient.lose.add('upload');
    await assert.rejects(a.simSync.sync('up', {}), /the answer was lost/);
    const again = await a.simSync.sync('up', {});
    assert.deepEqual(again.uploaded, ['contacts/x.vcf'], 'sent again');
    assert.deepEqual(again.conflicts, []);
    const area = await owner.sync().area(NUMBER);
    assert.deepEqual(
      area.items.map((i) => [i.version, i.seq]),
      [[1, 1]],
      'applied once: one version, one sequence number',
    );
    await a.simSync.removeSim(sim, { noSync: true, secrets: {} });

    // The insertion's download is applied, then the handset goes down before its end.
    LosingClient.lose.add('end');
    const inserted = await b.simSync.insertSim(sim, PIN, {});
    assert.deepEqual(inserted.sync, { ok: false, code: 'NETWORK', detail: 'killed before the end' });
    const cursorOf = async () => (await owner.sync().subscriber(NUMBER)).terminals.find((x) => x.handsetName === 'b')!.cursor;
    assert.equal(await cursorOf(), 0, 'the cursor did not move without the end');
    const second = await b.simSync.sync('down', {});
    assert.deepEqual(second.downloaded, [], 'the version already applied is skipped');
    assert.equal(second.cursor, 1);
    assert.equal(await cursorOf(), 1);
    const out = join(world.root, 'b-out');
    await b.exportTree(out);
    assert.deepEqual([...(await readTree(out)).keys()], ['contacts/x.vcf'], 'once, not twice');
  },
);
