/** The rescue desk's numbers as the owner types them (moved here from the pc's tests with the codec). */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  checkCode,
  checkNewCode,
  formatControlNumber,
  luhnDigit,
  luhnValid,
  normalizeControl,
  normalizePhone,
  PhoneSafeError,
} from '@phonesafe/protocol';

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
  assert.equal(formatControlNumber('1234567890123452'), '1234-5678-9012-3452');
});

test('one Luhn for issuing and checking: a payload with its check digit is valid, any other last digit is not', () => {
  for (const payload of ['453914880343646', '000000000000000', '999999999999999', '7992739871']) {
    const check = luhnDigit(payload);
    assert.ok(luhnValid(payload + check), payload);
    for (let d = 0; d <= 9; d++) if (String(d) !== check) assert.ok(!luhnValid(payload + String(d)), `${payload}${d}`);
  }
  assert.equal(formatControlNumber('not a number'), 'not a number', 'anything but 16 digits is shown as it is');
});
