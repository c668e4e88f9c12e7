/**
 * The rescue desk follows the SIM (issue 12's decision): with one phone
 * number shared by several handsets through SIM sync, a rescue goes to the
 * handset that last reported holding the SIM for that number, not to the
 * newest handset enrolled with it.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cliJson, OWNER_EMAIL, sqliteRows, SYNC_NUMBER, SyncWorld } from '@phonesafe/testkit';

const CODE = '58213947';

test('a rescue of the shared number reaches the handset holding the SIM, not the newest enrolled', { timeout: 300_000 }, async (t) => {
  const center = await centerWithOwner(t, OWNER_EMAIL);
  // Both handsets are enrolled with the subscriber's number; B is the newest.
  const first = { ...center.env, PHONESAFE_RESCUE_CODE: CODE };
  for (const name of ['A', 'B'])
    await cliJson(
      [
        'handset',
        'enroll',
        '--center',
        center.center.url,
        '--owner',
        OWNER_EMAIL,
        '--name',
        name,
        '--phone',
        SYNC_NUMBER,
        '--data',
        join(center.root, 'handsets', name),
      ],
      first,
    );
  const world = await SyncWorld.create(t, ['C'], { center });
  for (const name of ['A', 'B']) await cliJson(['handset', 'password', 'set', '--data', world.dir(name)], world.env);
  const rescueOf = async () => {
    await cliJson(['pc', 'rescue', '--phone', SYNC_NUMBER, '--code', CODE], { ...world.env, PHONESAFE_RESCUE_CODE: CODE });
    return sqliteRows<{ name: string }>(
      join(center.data, 'center.db'),
      "SELECT h.name FROM rescues r JOIN handsets h ON h.id = r.handset_id WHERE r.status = 'waiting-for-handset'",
    ).map((r) => r.name);
  };

  // A holds the SIM (bound, inserted): the desk asks A.
  await world.insert('A');
  await cliJson(['handset', 'bind', '--data', world.dir('A')], world.env);
  assert.deepEqual(await rescueOf(), ['A']);
});
