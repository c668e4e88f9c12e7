import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ERRORS, PhoneSafeError, type ErrorCode } from '@phonesafe/protocol';
import { exitCodeFor } from '../src/errors.ts';
import { parseKinds } from '../src/options.ts';
import { columns, humanBytes } from '../src/output.ts';

test('sizes read like restic', () => {
  assert.equal(humanBytes(0), '0 B');
  assert.equal(humanBytes(1023), '1023 B');
  assert.equal(humanBytes(1536), '1.50 KiB');
  assert.equal(humanBytes(12 * 1024 * 1024), '12.0 MiB');
});

test('exit statuses by error family', () => {
  const want: Partial<Record<ErrorCode, number>> = {
    USAGE: 2,
    UNAUTHENTICATED: 3,
    NOT_FOUND: 4,
    HANDSET_NAME_TAKEN: 5,
    VALIDATION_FAILED: 5,
    NETWORK: 6,
    UNAVAILABLE: 6,
    PART_DAMAGED: 7,
    DECRYPT_FAILED: 7,
    INTERNAL: 1,
  };
  for (const [code, status] of Object.entries(want)) assert.equal(exitCodeFor(code as ErrorCode), status, code);
  for (const code of Object.keys(ERRORS) as ErrorCode[]) assert.ok(exitCodeFor(code) >= 1, code);
});

test('--kinds accepts known kinds only', () => {
  assert.deepEqual(parseKinds('contacts, media,contacts'), ['contacts', 'media']);
  assert.throws(
    () => parseKinds('contacts,selfies'),
    (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE' && /selfies/.test(e.detail),
  );
  assert.throws(() => parseKinds(''), PhoneSafeError);
});

test('columns align and right-align sizes', () => {
  assert.deepEqual(
    columns(
      [
        ['a', '1 B', 'x'],
        ['bbb', '10 KiB', 'y'],
      ],
      [1],
    ),
    ['a       1 B  x', 'bbb  10 KiB  y'],
  );
});
