import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { decodePartBatch, encodePartBatch, PhoneSafeError, type BatchPart } from '@phonesafe/protocol';
import { sha256Hex } from '@phonesafe/protocol/node';

function part(size: number, id = randomBytes(32).toString('hex')): BatchPart {
  const bytes = randomBytes(size);
  return { ref: { id, size, sha256: sha256Hex(bytes) }, bytes };
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof PhoneSafeError ? error.code : 'not a PhoneSafeError';
  }
  return 'no error';
};

test('a part batch decodes to the parts it was made of, empty parts included', () => {
  const parts = [part(10), part(0), part(70_000)];
  const decoded = decodePartBatch(encodePartBatch(parts));
  assert.deepEqual(
    decoded.map((p) => [p.ref, Buffer.from(p.bytes).toString('hex')]),
    parts.map((p) => [p.ref, Buffer.from(p.bytes).toString('hex')]),
  );
});

test('a body that is not a batch is refused with a code, never read past its end', () => {
  const body = encodePartBatch([part(10), part(20)]);
  assert.equal(
    code(() => decodePartBatch(body.subarray(0, 3))),
    'BAD_REQUEST',
  );
  assert.equal(
    code(() => decodePartBatch(body.subarray(0, body.length - 1))),
    'BAD_REQUEST',
    'truncated',
  );
  assert.equal(
    code(() => decodePartBatch(Buffer.concat([body, Buffer.from([0])]))),
    'BAD_REQUEST',
    'bytes left over',
  );
  const long = Buffer.from(body);
  long.writeUInt32BE(body.length);
  assert.equal(
    code(() => decodePartBatch(long)),
    'BAD_REQUEST',
    'index longer than the body',
  );
  assert.equal(
    code(() => encodePartBatch([])),
    'not a PhoneSafeError',
    'the encoder refuses an empty batch too (zod)',
  );
  const same = part(5, 'a'.repeat(64));
  assert.throws(() => encodePartBatch([same, same]));
});
