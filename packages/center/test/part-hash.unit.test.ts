import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { partSha256 } from '../src/backup/part-hash.ts';

test('partSha256 is the SHA-256 of the bytes, inline for small parts and off the event loop for large ones', async () => {
  for (const size of [0, 1, 64 * 1024, 64 * 1024 + 1, 3 * 1024 * 1024]) {
    const whole = randomBytes(size + 16);
    const bytes = whole.subarray(7, 7 + size); // a view into a larger buffer, as a parsed batch hands out
    assert.equal(await partSha256(bytes), createHash('sha256').update(bytes).digest('hex'), `size ${size}`);
  }
});
