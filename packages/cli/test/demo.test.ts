/**
 * `phonesafe demo --json` is a test too: the whole of seed 001 FIG 5/6 with
 * a center and three handsets as separate processes, and a summary counted
 * from what they reported.
 */
import { strict as assert } from 'node:assert';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { cli, tempDir } from '@phonesafe/testkit';

test('phonesafe demo: NG, retry, give-up, backup, restore to another handset, identical', { timeout: 240_000 }, async (t) => {
  // Its own TMPDIR (and HOME): what is left there is this demo's, whatever other tests do in /tmp meanwhile.
  const own = await tempDir(t, 'demo-tmp');
  const result = await cli(['demo', '--json'], { HOME: own, TMPDIR: own });
  assert.equal(result.code, 0, result.stderr);
  const last = result.stdout.trimEnd().split('\n').at(-1) ?? '';
  const summary = JSON.parse(last) as Record<string, unknown>;
  assert.equal(summary.identical, true, last);
  assert.ok(Number(summary.backups) >= 1, last);
  assert.ok(Number(summary.ng) >= 1, last);
  assert.ok(Number(summary.retries) >= 1, last);
  assert.ok(Number(summary.gaveUp) >= 1, last);
  assert.ok(Number(summary.restoredItems) >= 1, last);
  // The narration went to stderr, and the temporary data is gone.
  assert.match(result.stderr, /answered NG \(operating\)/);
  assert.deepEqual(await readdir(own), []);
});
