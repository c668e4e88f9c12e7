import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import { resolveCenter } from '../src/index.ts';

const usage = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE');

test('the desk needs a center only: flag, then environment, then profile (with its CA)', () => {
  assert.deepEqual(resolveCenter({ center: 'http://a' }, { PHONESAFE_CENTER: 'http://b' }, { center: 'http://c', ca: '/ca.pem' }), {
    center: 'http://a',
  });
  assert.deepEqual(resolveCenter({}, { PHONESAFE_CENTER: 'http://b' }, { center: 'http://c' }), { center: 'http://b' });
  assert.deepEqual(resolveCenter({}, {}, { center: 'http://c', ca: '/ca.pem' }), { center: 'http://c', ca: '/ca.pem' });
  usage(() => resolveCenter({}, {}, {}));
});
