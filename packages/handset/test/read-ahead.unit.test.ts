import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAhead } from '../src/util/read-ahead.ts';

/** A preparation that resolves when told to, so the test decides the order things finish in. */
function gate<T>(): { promise: Promise<T>; open: (value: T) => void; fail: (error: Error) => void } {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

test('readAhead hands items out in order, with at most `depth` prepared ahead', async () => {
  const started: number[] = [];
  const gates = [0, 1, 2, 3, 4].map(() => gate<string>());
  const prepare = (i: number): Promise<string> => {
    started.push(i);
    return gates[i]!.promise;
  };
  const seen: Array<[number, string]> = [];
  const consuming = (async () => {
    for await (const pair of readAhead([0, 1, 2, 3, 4], 2, prepare, async () => undefined)) seen.push(pair);
  })();
  await Promise.resolve();
  assert.deepEqual(started, [0, 1], 'two prepared ahead, no more');
  gates[1]!.open('b'); // finishes before the first: still handed out second
  gates[0]!.open('a');
  for (const [i, g] of gates.entries()) if (i > 1) g.open(String.fromCharCode(97 + i));
  await consuming;
  assert.deepEqual(seen, [
    [0, 'a'],
    [1, 'b'],
    [2, 'c'],
    [3, 'd'],
    [4, 'e'],
  ]);
});

test('a failed preparation ends the loop with its error and discards what was prepared ahead', async () => {
  const discarded: string[] = [];
  const prepare = async (i: number): Promise<string> => {
    if (i === 1) throw new Error('unreadable file 1');
    return `staged-${i}`;
  };
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const [, staged] of readAhead([0, 1, 2, 3], 3, prepare, async (s) => void discarded.push(s))) seen.push(staged);
  }, /unreadable file 1/);
  assert.deepEqual(seen, ['staged-0']);
  assert.deepEqual(discarded.sort(), ['staged-2', 'staged-3'], 'prepared ahead and never handed out: discarded');
});

test('a consumer that stops early leaves nothing prepared behind', async () => {
  const discarded: number[] = [];
  for await (const [i] of readAhead(
    [0, 1, 2, 3, 4],
    3,
    async (i) => i,
    async (i) => void discarded.push(i),
  )) {
    if (i === 1) break;
  }
  assert.deepEqual(discarded, [2, 3], 'the two prepared after the last one handed out');
});
