/**
 * Issue 11 item 2: what is backed up automatically is said at enrolment
 * and shown by `handset status` (the seed's default is contacts only,
 * weekly), and `--targets` changes it at enrolment.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { centerWithOwner, cli, cliFails, cliJson } from '@phonesafe/testkit';

const OWNER = 'targets@example.org';

interface Automatic {
  automatic: { targets: { kinds: string[] }; schedule: { every: string } | null; text: string };
}

test(
  'enrolment names the automatic targets and schedule; --targets sets them; handset status shows them',
  { timeout: 120_000 },
  async (t) => {
    const { root, center, env } = await centerWithOwner(t, OWNER);
    const [a, b, c] = [join(root, 'a'), join(root, 'b'), join(root, 'c')];

    const plain = await cli(['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'A', '--data', a], env);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^backed up automatically: contacts, every Sunday at 03:00 UTC \(next .+ UTC\)$/m);
    assert.match(plain.stdout, /handset backup/);

    const chosen = await cliJson<Automatic>(
      ['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'B', '--data', b, '--targets', 'contacts,media'],
      env,
    );
    assert.deepEqual(chosen.automatic.targets.kinds, ['contacts', 'media']);
    assert.equal(chosen.automatic.text, 'contacts, media, every Sunday at 03:00 UTC');

    const status = await cliJson<Automatic>(['handset', 'status', '--data', b], env);
    assert.deepEqual(status.automatic.targets.kinds, ['contacts', 'media']);
    const shown = await cli(['handset', 'status', '--data', b], env);
    assert.match(shown.stdout, /^backed up automatically: contacts, media, every Sunday at 03:00 UTC$/m);

    // A wrong kind is refused before anything is enrolled.
    await cliFails(
      ['handset', 'enroll', '--center', center.url, '--owner', OWNER, '--name', 'C', '--data', c, '--targets', 'films'],
      env,
      2,
      'USAGE',
    );
    const handsets = await cliJson<{ handsets: { name: string }[] }>(['pc', 'handsets'], env);
    assert.deepEqual(handsets.handsets.map((h) => h.name).sort(), ['A', 'B']);
  },
);
