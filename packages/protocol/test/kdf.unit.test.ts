/**
 * Issue 8 item 15: KDF parameters are bounded to what a phone can afford
 * (encryption.md), at both ends: the bounds themselves (this file) and a
 * client that meets a center answering with absurd ones (kdf-bounds.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KdfParams, PhoneSafeError } from '@phonesafe/protocol';
import { DEFAULT_KDF_COST, deriveOwnerSecrets, newKdfParams } from '@phonesafe/protocol/node';

const salt = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
const kdf = (cost: { N: number; r: number; p: number }, saltBytes = 16) => ({
  algorithm: 'scrypt' as const,
  salt: salt(saltBytes),
  ...cost,
});
const MiB = 1024 * 1024;

test('KdfParams takes the default cost and the bounds themselves', () => {
  for (const params of [
    newKdfParams(),
    kdf({ N: 1 << 14, r: 8, p: 1 }),
    kdf({ N: 1 << 14, r: 8, p: 1 }, 64),
    // 128 · N · r · p = 256 MiB exactly, two ways.
    kdf({ N: 1 << 18, r: 8, p: 1 }),
    kdf({ N: 1 << 15, r: 16, p: 4 }),
  ]) {
    assert.ok(KdfParams.safeParse(params).success, JSON.stringify(params));
  }
  assert.ok(128 * DEFAULT_KDF_COST.N * DEFAULT_KDF_COST.r * DEFAULT_KDF_COST.p <= 256 * MiB);
});

test('KdfParams refuses costs a phone cannot afford, weak costs and odd salts', () => {
  const refused: Array<[string, unknown]> = [
    ['8 GiB of memory', kdf({ N: 1 << 20, r: 32, p: 16 })],
    ['512 MiB of memory', kdf({ N: 1 << 19, r: 8, p: 1 })],
    ['N not a power of two', kdf({ N: 20_000, r: 8, p: 1 })],
    ['N below 2^14', kdf({ N: 1 << 13, r: 8, p: 1 })],
    ['N above 2^20', kdf({ N: 1 << 21, r: 8, p: 1 })],
    ['r below 8', kdf({ N: 1 << 15, r: 7, p: 1 })],
    ['r above 16', kdf({ N: 1 << 14, r: 17, p: 1 })],
    ['p above 4', kdf({ N: 1 << 14, r: 8, p: 5 })],
    ['p of 0', kdf({ N: 1 << 14, r: 8, p: 0 })],
    ['a 15-byte salt', kdf({ N: 1 << 15, r: 8, p: 1 }, 15)],
    ['a 65-byte salt', kdf({ N: 1 << 15, r: 8, p: 1 }, 65)],
  ];
  for (const [what, params] of refused) assert.equal(KdfParams.safeParse(params).success, false, what);
});

test('deriving refuses out-of-bounds parameters before running scrypt', async () => {
  // Cheap under the old bounds (p = 16 of a 16 MiB scrypt), so the test costs little either way.
  const params = kdf({ N: 1 << 14, r: 8, p: 16 });
  await assert.rejects(
    deriveOwnerSecrets('password', params),
    (e) => e instanceof PhoneSafeError && e.code === 'BAD_REQUEST' && /KDF/.test(e.detail),
  );
});

test('the salt length is counted as Node decodes base64, with or without padding', () => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let chars = 16; chars <= 92; chars++) {
    for (const padding of ['', '=', '==']) {
      const text = Array.from({ length: chars }, (_, i) => alphabet[(i * 7 + chars) % 64]).join('') + padding;
      const bytes = Buffer.from(text, 'base64').length;
      const accepted = bytes >= 16 && bytes <= 64;
      assert.equal(KdfParams.safeParse({ algorithm: 'scrypt', salt: text, N: 1 << 14, r: 8, p: 1 }).success, accepted, text);
    }
  }
});
