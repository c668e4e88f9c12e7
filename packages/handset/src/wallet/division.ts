/**
 * Division (V6, docs/design/safes.md "Division"): a value is sealed once
 * under its own one-time key, and that ciphertext is split into n XOR shares
 * (n − 1 random pads from node:crypto and the ciphertext XOR all of them), so
 * every piece short of all n is uniformly random and says nothing about the
 * value. Each piece travels as a piece document, itself the plain of an
 * ordinary deposit record. Joining checks that the pieces are exactly the n of
 * one division before it XORs them, then the whole against its hash and its
 * authenticated decryption. Pure: no I/O.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PhoneSafeError, type Semantics } from '@phonesafe/protocol';
import { b64url, fromB64url, openPiece, sealPiece, type CardKeys } from '@phonesafe/protocol/node';
import { z } from 'zod';

export const PIECE_CLASS = 'piece';
export const MAX_PIECES = 16;

const PieceDocument = z.strictObject({
  v: z.literal(1),
  type: z.literal('phonesafe.piece'),
  division: z.string().regex(/^[0-9a-f]{32}$/),
  index: z.number().int().nonnegative(),
  count: z.number().int().min(2).max(MAX_PIECES),
  valueId: z.string(),
  generation: z.number().int().positive(),
  class: z.string(),
  semantics: z.enum(['bearer', 'secret']),
  dekSalt: z.string(),
  sealedSha256: z.string().regex(/^[0-9a-f]{64}$/),
  share: z.string(),
});
export type PieceDocument = z.infer<typeof PieceDocument>;

export interface WholeValue {
  valueId: string;
  generation: number;
  class: string;
  semantics: Semantics;
  bytes: Buffer;
}

const sha256hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function xorInto(target: Buffer, pad: Buffer): void {
  for (let i = 0; i < target.length; i++) target[i]! ^= pad[i]!;
}

/** The n piece documents of one value, as the bytes each piece registration seals. */
export function divide(card: CardKeys, value: WholeValue, count: number, division = randomBytes(16).toString('hex')): Buffer[] {
  if (!Number.isInteger(count) || count < 2 || count > MAX_PIECES)
    throw new PhoneSafeError('USAGE', `a value is divided into 2 to ${MAX_PIECES} pieces`);
  const sealed = sealPiece(card, value.valueId, value.generation, value.bytes);
  const ct = fromB64url(sealed.ct);
  const last = Buffer.from(ct);
  const shares: Buffer[] = [];
  for (let i = 0; i < count - 1; i++) {
    const pad = randomBytes(ct.length);
    xorInto(last, pad);
    shares.push(pad);
  }
  shares.push(last);
  return shares.map((share, index) => {
    const doc: PieceDocument = {
      v: 1,
      type: 'phonesafe.piece',
      division,
      index,
      count,
      valueId: value.valueId,
      generation: value.generation,
      class: value.class,
      semantics: value.semantics,
      dekSalt: sealed.dekSalt,
      sealedSha256: sha256hex(ct),
      share: b64url(share),
    };
    return Buffer.from(JSON.stringify(doc));
  });
}

function mismatch(detail: string): PhoneSafeError {
  return new PhoneSafeError('SAFE_PIECE_MISMATCH', `the pieces do not make one value: ${detail}`);
}

function parsePiece(bytes: Buffer): PieceDocument {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw mismatch('a piece is not a piece document');
  }
  const parsed = PieceDocument.safeParse(json);
  if (!parsed.success) throw mismatch('a piece is not a piece document');
  return parsed.data;
}

/** The value the n pieces of `division` make; SAFE_PIECE_MISMATCH when one belongs elsewhere or one is missing. */
export function join(card: CardKeys, division: string, pieces: readonly Buffer[]): WholeValue {
  const docs = pieces.map(parsePiece).sort((a, b) => a.index - b.index);
  const first = docs[0];
  if (!first) throw mismatch('there are none');
  for (const [i, doc] of docs.entries()) {
    if (doc.division !== division) throw mismatch(`piece ${doc.index + 1} belongs to another divided value`);
    if (doc.index !== i || doc.count !== docs.length) throw mismatch(`piece ${i + 1} of ${doc.count} is missing or doubled`);
    const same = [doc.valueId, doc.generation, doc.class, doc.semantics, doc.dekSalt, doc.sealedSha256];
    const want = [first.valueId, first.generation, first.class, first.semantics, first.dekSalt, first.sealedSha256];
    if (same.some((v, k) => v !== want[k])) throw mismatch(`piece ${i + 1} describes another value`);
  }
  const ct = Buffer.from(fromB64url(first.share));
  for (const doc of docs.slice(1)) {
    const share = fromB64url(doc.share);
    if (share.length !== ct.length) throw mismatch('the pieces differ in length');
    xorInto(ct, share);
  }
  if (sha256hex(ct) !== first.sealedSha256) throw mismatch('the joined pieces do not match their hash');
  const bytes = openPiece(card, { valueId: first.valueId, generation: first.generation, dekSalt: first.dekSalt, ct: b64url(ct) });
  return { valueId: first.valueId, generation: first.generation, class: first.class, semantics: first.semantics, bytes };
}
