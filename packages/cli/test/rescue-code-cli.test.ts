/**
 * The code number on the command line (issue 8 items 20 and 21): `--code`
 * is readable by every local user in the process list, so the CLI warns on
 * stderr whenever it is used (plain and --json alike, stdout stays one JSON
 * document), and not when the code comes from PHONESAFE_RESCUE_CODE; and a
 * replacement enrolled with an already registered number says the truth
 * about that number's code.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { cli, ownerEnv, startCenter, tempDir } from '@phonesafe/testkit';

const OWNER = 'codes@example.org';
const PHONE = '+819087654321';
const CODE = '58213947';
const WARNING = /^phonesafe: warning: --code .*process list.*PHONESAFE_RESCUE_CODE/m;

async function world(t: TestContext) {
  const root = await tempDir(t);
  const center = await startCenter(t, join(root, 'center'));
  const env = ownerEnv(root, 'a long owner password', { PHONESAFE_CENTER: center.url });
  const enroll = (name: string, extra: string[], more: Record<string, string> = {}) =>
    cli(
      [
        'handset',
        'enroll',
        '--center',
        center.url,
        '--owner',
        OWNER,
        '--name',
        name,
        '--data',
        join(root, name),
        '--phone',
        PHONE,
        ...extra,
      ],
      { ...env, ...more },
    );
  return { root, center, env, enroll };
}

test('--code warns on stderr in plain and --json mode; PHONESAFE_RESCUE_CODE does not', { timeout: 120_000 }, async (t) => {
  const { env, enroll } = await world(t);
  const first = await enroll('lost', ['--code', CODE, '--json']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, WARNING);
  assert.ok(!first.stderr.includes(CODE), 'the warning does not repeat the code');
  assert.equal(JSON.parse(first.stdout).phone, PHONE, 'stdout is one JSON document');

  const plain = await cli(['pc', 'rescue-status', '--phone', PHONE, '--code', CODE], env);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, WARNING);
  const quiet = await cli(['pc', 'rescue-status', '--phone', PHONE, '--json'], { ...env, PHONESAFE_RESCUE_CODE: CODE });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /warning/);
});

test(
  'a replacement enrolled with a registered number says the number has its code number (it still works)',
  { timeout: 120_000 },
  async (t) => {
    const { root, center, env, enroll } = await world(t);
    const coded = { PHONESAFE_RESCUE_CODE: CODE };
    assert.equal((await enroll('lost', [], coded)).code, 0);

    const replacement = await enroll('replacement', []);
    assert.equal(replacement.code, 0, replacement.stderr);
    assert.match(replacement.stdout, /phone \+819087654321, rescue desk code number set/);
    assert.doesNotMatch(replacement.stdout, /no rescue code number yet/);
    assert.equal(JSON.parse((await enroll('replacement-2', ['--json'])).stdout).rescueCode, true);
    const status = await cli(['pc', 'rescue-status', '--phone', PHONE, '--json'], { ...env, ...coded });
    assert.equal(status.code, 0, status.stderr);

    // A number with no code yet says so.
    const fresh = await cli(
      [
        'handset',
        'enroll',
        '--center',
        center.url,
        '--owner',
        OWNER,
        '--name',
        'fresh',
        '--data',
        join(root, 'fresh'),
        '--phone',
        '+819011112222',
      ],
      env,
    );
    assert.match(fresh.stdout, /no rescue code number yet \(pc rescue-code sets one\)/);
  },
);
