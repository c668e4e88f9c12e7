/**
 * Phone numbers have one canonical form, E.164 `+<digits>` (issue 8 item
 * 16): `+8190…` and `8190…` are one number, not two owners' numbers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnrollHandsetRequest, PhoneNumber, RescueRequest } from '@phonesafe/protocol';

test('separators are dropped and a missing + is added', () => {
  for (const spelling of ['+819012345678', '819012345678', '+81 90-1234-5678', '81 (90) 1234.5678', ' +81 90 1234 5678 ']) {
    assert.equal(PhoneNumber.parse(spelling), '+819012345678', spelling);
  }
  assert.equal(PhoneNumber.parse('+290 1234'), '+2901234', 'seven digits: the shortest numbers in use (e.g. Saint Helena, Niue)');
  assert.equal(PhoneNumber.parse('+123456789012345'), '+123456789012345', 'fifteen digits, the E.164 maximum');
});

test('refused: too short or long, a leading 0 (a national number), letters, a + inside', () => {
  const refusal = (value: string) => {
    const result = PhoneNumber.safeParse(value);
    assert.ok(!result.success, `${value} refused`);
    return result.error.issues[0]?.message ?? '';
  };
  assert.match(refusal('090-1234-5678'), /country code/);
  assert.match(refusal('+0 90 1234 5678'), /country code/);
  assert.match(refusal('123456'), /7-15 digits/);
  assert.match(refusal('+1234567890123456'), /7-15 digits/);
  refusal('+81 90 abc');
  refusal('81+9012345678');
  refusal('');
});

test('one schema for the desk and for enrolment', () => {
  assert.equal(RescueRequest.parse({ phone: '81 90 1234 5678', code: '12345678' }).phone, '+819012345678');
  assert.equal(EnrollHandsetRequest.parse({ name: 'phone', phone: '819012345678' }).phone, '+819012345678');
  assert.ok(!EnrollHandsetRequest.safeParse({ name: 'phone', phone: '0312345678' }).success);
});
