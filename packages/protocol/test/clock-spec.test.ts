import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clockFromSpec } from '@phonesafe/protocol/node';
import { tempDir } from '@phonesafe/testkit';

test('PHONESAFE_CLOCK=file:<path>: now is the time in the file, read on every call; a file holding no time is an error', async (t) => {
  const file = join(await tempDir(t, 'clock'), 'now');
  writeFileSync(file, '2026-03-01T03:00:00.000Z\n');
  const clock = clockFromSpec(`file:${file}`);
  assert.equal(clock.now().toISOString(), '2026-03-01T03:00:00.000Z');
  writeFileSync(file, '2026-03-02T00:00:00Z');
  assert.equal(clock.now().toISOString(), '2026-03-02T00:00:00.000Z');
  writeFileSync(file, 'soon');
  assert.throws(() => clock.now(), { code: 'INTERNAL', message: /holds no time/ });
  assert.throws(() => clockFromSpec('file:'), /scaled:<originMs>:<factor> or file:<path>/);
});
