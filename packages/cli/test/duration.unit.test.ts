import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import { formatDuration, parseDuration } from '../src/duration.ts';

const usage = (pattern: RegExp) => (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE' && pattern.test(e.detail);

test('durations: one syntax for every flag', () => {
  assert.equal(parseDuration('60s'), 60);
  assert.equal(parseDuration('10m'), 600);
  assert.equal(parseDuration('5m'), 300);
  assert.equal(parseDuration('2h'), 7200);
  assert.equal(parseDuration('90d'), 90 * 86_400);
  assert.equal(parseDuration('1w'), 604_800);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('0s'), 0);
  for (const bad of ['', '10', 'm', '10 m', '-5m', '1.5h', '10min', '5m3']) {
    assert.throws(() => parseDuration(bad, '--for'), usage(/--for/), bad);
  }
  for (const seconds of [0, 1, 59, 60, 61, 600, 3600, 5400, 86_400, 90 * 86_400, 694_861]) {
    assert.equal(parseDuration(formatDuration(seconds)), seconds, String(seconds));
  }
  assert.equal(formatDuration(5400), '1h30m');
  assert.equal(formatDuration(300), '5m');
});
