import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import { checkCode, checkNewCode, formatControl, luhnValid, normalizeControl, normalizePhone, resolveCenter } from '../src/index.ts';

const usage = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE');

test('phone numbers: the canonical form, separators dropped, a missing + added; a national number refused', () => {
  assert.equal(normalizePhone('+81 90-1234-5678'), '+819012345678');
  assert.equal(normalizePhone('81 (90) 1234 5678'), '+819012345678');
  assert.throws(
    () => normalizePhone('(030) 123456'),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE' && /country code/.test(e.detail),
  );
  usage(() => normalizePhone('12345'));
  usage(() => normalizePhone('+81 90 abc'));
});

test('code numbers: 4-12 digits, never repeated in the error', () => {
  assert.equal(checkCode('4711'), '4711');
  assert.throws(
    () => checkCode('47a1'),
    (e: unknown) => e instanceof PhoneSafeError && !e.detail.includes('47a1'),
  );
  usage(() => checkCode('123'));
});

test('new code numbers: 8-12 digits', () => {
  assert.equal(checkNewCode('47114711'), '47114711');
  usage(() => checkNewCode('4711471'));
  assert.throws(
    () => checkNewCode('4711'),
    (e: unknown) => e instanceof PhoneSafeError && !e.detail.includes('4711'),
  );
});

test('control numbers: 16 digits with a Luhn check digit, dashes and spaces ignored', () => {
  assert.ok(luhnValid('4111111111111111'));
  assert.ok(!luhnValid('4111111111111112'));
  assert.equal(normalizeControl('4111-1111 1111-1111'), '4111111111111111');
  usage(() => normalizeControl('4111-1111-1111-1112'));
  usage(() => normalizeControl('4111-1111-1111'));
  assert.equal(formatControl('1234567890123452'), '1234-5678-9012-3452');
});

test('the desk needs a center only: flag, then environment, then profile (with its CA)', () => {
  assert.deepEqual(resolveCenter({ center: 'http://a' }, { PHONESAFE_CENTER: 'http://b' }, { center: 'http://c', ca: '/ca.pem' }), {
    center: 'http://a',
  });
  assert.deepEqual(resolveCenter({}, { PHONESAFE_CENTER: 'http://b' }, { center: 'http://c' }), { center: 'http://b' });
  assert.deepEqual(resolveCenter({}, {}, { center: 'http://c', ca: '/ca.pem' }), { center: 'http://c', ca: '/ca.pem' });
  usage(() => resolveCenter({}, {}, {}));
});
