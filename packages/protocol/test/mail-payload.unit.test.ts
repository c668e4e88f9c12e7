import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeSetPlain, deriveMailKeys, encodeSetPlain, newPairingSecret, openSet, sealIntoParts } from '@phonesafe/protocol/node';
import { PhoneSafeError } from '@phonesafe/protocol';

const keys = deriveMailKeys(newPairingSecret());
const binding = { pairingId: keys.pairingId, role: 'hs' as const, code: 'backup-response', group: 'g', re: 'r' };

test('a set is compressed, sealed, split and opens whole again', () => {
  const data = Buffer.concat([randomBytes(200_000), Buffer.alloc(100_000, 'a')]);
  const plain = encodeSetPlain({ op: 'x', n: 1 }, data);
  const parts = sealIntoParts(keys.enc.hs, plain, binding, 64 * 1024);
  assert.ok(parts.length >= 3 && parts.every((p) => p.length <= 64 * 1024));
  const opened = openSet(keys.enc.hs, Buffer.concat(parts), { ...binding, parts: parts.length });
  const { header, data: back } = decodeSetPlain(opened);
  assert.deepEqual(header, { op: 'x', n: 1 });
  assert.deepEqual(back, data);
});

test('a set does not open with a part missing, another binding or the other direction key', () => {
  const parts = sealIntoParts(keys.enc.hs, encodeSetPlain({ op: 'x' }, randomBytes(50_000)), binding, 20_000);
  const whole = Buffer.concat(parts);
  const refused = (f: () => unknown) => assert.throws(f, (e: unknown) => e instanceof PhoneSafeError && e.code === 'MAIL_REFUSED');
  refused(() => openSet(keys.enc.hs, Buffer.concat(parts.slice(0, -1)), { ...binding, parts: parts.length }));
  refused(() => openSet(keys.enc.hs, whole, { ...binding, parts: parts.length, re: 'other' }));
  refused(() => openSet(keys.enc.hs, whole, { ...binding, parts: parts.length + 1 }));
  refused(() => openSet(keys.enc.pc, whole, { ...binding, parts: parts.length }));
});

test('a payload that unpacks beyond the limit is refused', () => {
  const parts = sealIntoParts(keys.enc.hs, Buffer.alloc(2_000_000), binding, 1 << 20);
  assert.throws(
    () => openSet(keys.enc.hs, Buffer.concat(parts), { ...binding, parts: parts.length }, 1_000_000),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'MAIL_TOO_LARGE',
  );
});
