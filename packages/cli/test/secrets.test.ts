/**
 * Secrets read from the environment (src/env.ts declares them: the owner's
 * passwords and the rescue code number) never reach the output, not even a
 * failure's debug stack trace (PHONESAFE_DEBUG=1) or its --json document.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, tempDir } from '@phonesafe/testkit';

const SECRETS = {
  PHONESAFE_PASSWORD: 'owner-pw-3c8d91',
  PHONESAFE_NEW_PASSWORD: 'new-owner-pw-55e0a2',
  PHONESAFE_RESCUE_CODE: '97531864',
};
/** Nothing listens there: every verb fails talking to it. */
const NOWHERE = 'http://127.0.0.1:9';

test('a failing verb prints no secret from the environment, with PHONESAFE_DEBUG=1 and with --json', async (t) => {
  const root = await tempDir(t);
  const env = { ...SECRETS, HOME: root, PHONESAFE_PC_DIR: join(root, 'pc'), PHONESAFE_DEBUG: '1' };
  const verbs = [
    ['pc', 'backups', '--center', NOWHERE, '--owner', 'owner@example.org'],
    ['pc', 'passwd', '--center', NOWHERE, '--owner', 'owner@example.org'],
    ['pc', 'rescue', '--center', NOWHERE, '--phone', '+819012345678'],
    [
      'handset',
      'enroll',
      '--center',
      NOWHERE,
      '--owner',
      'owner@example.org',
      '--name',
      'h',
      '--phone',
      '+819012345678',
      '--data',
      join(root, 'h'),
    ],
  ];
  for (const args of verbs) {
    for (const json of [false, true]) {
      const result = await cli(json ? [...args, '--json'] : args, env);
      assert.notEqual(result.code, 0, `${args.join(' ')} fails`);
      assert.match(result.stderr, /^phonesafe: NETWORK: /m);
      for (const value of Object.values(SECRETS)) {
        assert.ok(!result.stdout.includes(value) && !result.stderr.includes(value), `${args.join(' ')} printed a secret`);
      }
    }
  }
});
