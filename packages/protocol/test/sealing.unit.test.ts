import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PhoneSafeError } from '@phonesafe/protocol';
import { deriveOwnerSecrets, newDataKey, newKdfParams, OwnerKeys, unwrapDataKey, wrapDataKey } from '@phonesafe/protocol/node';

/** The cheapest cost KdfParams allows (2^14, 16 MiB). */
const cheap = { N: 1 << 14, r: 8, p: 1 };

test('a sealed part opens to its plaintext, compressed or not', () => {
  const keys = new OwnerKeys(newDataKey());
  const text = Buffer.from('BEGIN:VCARD\nFN:Alice\nEND:VCARD\n'.repeat(500));
  const random = randomBytes(300_000);
  for (const plain of [text, random, Buffer.alloc(0)]) {
    const sealed = keys.sealPart(plain, { compress: true });
    assert.equal(sealed.id, keys.partId(plain));
    assert.deepEqual(keys.openPart(sealed.id, sealed.bytes), plain);
  }
  assert.ok(keys.sealPart(text, { compress: true }).bytes.length < text.length / 4, 'text is compressed');
  assert.ok(keys.sealPart(random, { compress: true }).bytes.length > random.length, 'random bytes are stored as they are');
});

test('the plaintext never appears in a sealed part', () => {
  const keys = new OwnerKeys(newDataKey());
  const marker = 'MARKER-4f1c2a-do-not-leak';
  const sealed = keys.sealPart(Buffer.from(`FN:${marker}\n`), { compress: false });
  assert.equal(sealed.bytes.includes(Buffer.from(marker)), false);
});

test('a flipped byte, a swapped id or another key is refused', () => {
  const keys = new OwnerKeys(newDataKey());
  const a = keys.sealPart(Buffer.from('alpha'), { compress: false });
  const b = keys.sealPart(Buffer.from('bravo'), { compress: false });
  const flipped = Buffer.from(a.bytes);
  flipped[flipped.length - 20]! ^= 1;
  const expectDecryptFailure = (fn: () => unknown) => assert.throws(fn, (e) => e instanceof PhoneSafeError && e.code === 'DECRYPT_FAILED');
  expectDecryptFailure(() => keys.openPart(a.id, flipped));
  expectDecryptFailure(() => keys.openPart(a.id, b.bytes));
  expectDecryptFailure(() => new OwnerKeys(newDataKey()).openPart(a.id, a.bytes));
});

test('part ids and file refs are keyed: another owner gets other ids for the same bytes', () => {
  const one = new OwnerKeys(newDataKey());
  const two = new OwnerKeys(newDataKey());
  const bytes = Buffer.from('same content');
  assert.notEqual(one.partId(bytes), two.partId(bytes));
  assert.equal(one.partId(bytes), one.partId(Buffer.from('same content')));
  assert.notEqual(one.fileRef('contacts/a.vcf'), two.fileRef('contacts/a.vcf'));
  assert.match(one.fileRef('contacts/a.vcf'), /^[0-9a-f]{32}$/);
});

test('the data key unwraps with the right password only', async () => {
  const kdf = newKdfParams(cheap);
  const right = await deriveOwnerSecrets('correct horse', kdf);
  const wrong = await deriveOwnerSecrets('correct hors', kdf);
  const dataKey = newDataKey();
  const wrapped = wrapDataKey(right.kek, dataKey);
  assert.deepEqual(unwrapDataKey(right.kek, wrapped), dataKey);
  assert.throws(
    () => unwrapDataKey(wrong.kek, wrapped),
    (e) => e instanceof PhoneSafeError && e.code === 'DECRYPT_FAILED',
  );
  assert.notDeepEqual(right.authKey, right.kek, 'the login secret is not the wrapping key');
});
