import { test } from 'node:test';
import { tempDir } from '@phonesafe/testkit';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Chunker } from '@phonesafe/protocol';
import { fileChunks, newDataKey, OwnerKeys } from '@phonesafe/protocol/node';

/** Deterministic incompressible bytes. */
function noise(size: number, seed: number): Buffer {
  const key = Buffer.alloc(32, seed);
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return cipher.update(Buffer.alloc(size));
}

const sizes = { min: 16 * 1024, avg: 64 * 1024, max: 256 * 1024 };
const chunker = new Chunker(new OwnerKeys(newDataKey()).gear, sizes);

test('chunks cover the data exactly and respect min and max sizes', () => {
  const data = noise(5 * 1024 * 1024, 1);
  const cuts = chunker.split(data);
  assert.equal(
    cuts.reduce((sum, [, len]) => sum + len, 0),
    data.length,
  );
  cuts.forEach(([offset, len], i) => {
    assert.equal(offset, i === 0 ? 0 : cuts[i - 1]![0] + cuts[i - 1]![1]);
    assert.ok(len <= sizes.max);
    if (i < cuts.length - 1) assert.ok(len > sizes.min);
  });
  const average = data.length / cuts.length;
  assert.ok(average > sizes.avg / 2 && average < sizes.avg * 2, `average ${average} near ${sizes.avg}`);
});

test('an edit in the middle changes only the chunks around it', () => {
  const data = noise(4 * 1024 * 1024, 2);
  const edited = Buffer.from(data);
  edited.write('an edit', 2 * 1024 * 1024);
  const before = new Set(chunker.split(data).map(([o, l]) => data.subarray(o, o + l).toString('hex')));
  const after = chunker.split(edited).map(([o, l]) => edited.subarray(o, o + l).toString('hex'));
  const changed = after.filter((c) => !before.has(c)).length;
  assert.ok(changed >= 1 && changed <= 2, `${changed} of ${after.length} chunks changed`);
});

test('an insertion shifts content without re-cutting the rest', () => {
  const data = noise(4 * 1024 * 1024, 3);
  const inserted = Buffer.concat([data.subarray(0, 1_000_000), Buffer.from('inserted bytes'), data.subarray(1_000_000)]);
  const before = new Set(chunker.split(data).map(([o, l]) => data.subarray(o, o + l).toString('hex')));
  const after = chunker.split(inserted).map(([o, l]) => inserted.subarray(o, o + l).toString('hex'));
  assert.ok(after.filter((c) => !before.has(c)).length <= 2);
});

test('reading a file gives the same chunks as splitting it in memory', async (t) => {
  const dir = await tempDir(t, 'chunks');
  for (const size of [0, 1, sizes.min, 3 * 1024 * 1024 + 12345]) {
    const data = noise(size, 4);
    const path = join(dir, `f${size}`);
    await writeFile(path, data);
    const expected = chunker.split(data).map(([o, l]) => data.subarray(o, o + l).toString('hex'));
    const actual: string[] = [];
    for await (const chunk of fileChunks(chunker, path)) actual.push(chunk.toString('hex'));
    assert.deepEqual(actual, expected, `file of ${size} bytes`);
  }
});

test('another owner key cuts the same bytes at other places', () => {
  const other = new Chunker(new OwnerKeys(newDataKey()).gear, sizes);
  const data = noise(2 * 1024 * 1024, 5);
  assert.notDeepEqual(other.split(data), chunker.split(data));
});
