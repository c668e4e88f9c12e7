/**
 * Division (V6) unit: the XOR split and the join, with a real card key. The
 * pieces join back to the exact bytes in any order; fewer pieces, a piece of
 * another divided value, or a flipped share are refused; no share shows the
 * plaintext or the ciphertext.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { cardKeysFromSeed } from '@phonesafe/protocol/node';
import { divide, join, type WholeValue } from '../src/wallet/division.ts';

const card = cardKeysFromSeed(randomBytes(32));
const value = (name: string): WholeValue => ({
  valueId: randomBytes(16).toString('hex'),
  generation: 2,
  class: 'e-money',
  semantics: 'bearer',
  bytes: Buffer.from(JSON.stringify({ class: 'e-money', name, remaining: 900 })),
});
const docOf = (piece: Buffer) => JSON.parse(piece.toString()) as { division: string; share: string };

test('three pieces join back to the exact value in any order; each share alone shows nothing of it', () => {
  const x = value('MARKER-X');
  const pieces = divide(card, x, 3);
  assert.equal(pieces.length, 3);
  const joined = join(card, docOf(pieces[0]!).division, [pieces[2]!, pieces[0]!, pieces[1]!]);
  assert.deepEqual(joined.bytes, x.bytes);
  assert.deepEqual([joined.valueId, joined.generation], [x.valueId, x.generation]);
  for (const piece of pieces) assert.ok(!piece.includes('MARKER-X'));
  const shares = pieces.map((p) => docOf(p).share);
  assert.equal(new Set(shares).size, 3, 'the shares differ');
});

test('a missing piece, a piece of another divided value and a flipped share are refused', () => {
  const pieces = divide(card, value('X'), 2);
  const other = divide(card, value('Y'), 2);
  const division = docOf(pieces[0]!).division;
  assert.throws(() => join(card, division, [pieces[0]!]), { code: 'SAFE_PIECE_MISMATCH' });
  assert.throws(() => join(card, division, [pieces[0]!, other[1]!]), { code: 'SAFE_PIECE_MISMATCH' });
  const doc = JSON.parse(pieces[1]!.toString()) as { share: string };
  const share = Buffer.from(doc.share, 'base64url');
  share[0]! ^= 1;
  const flipped = Buffer.from(JSON.stringify({ ...doc, share: share.toString('base64url') }));
  assert.throws(() => join(card, division, [pieces[0]!, flipped]), { code: 'SAFE_PIECE_MISMATCH' });
  assert.throws(() => divide(card, value('Z'), 1), { code: 'USAGE' });
});
