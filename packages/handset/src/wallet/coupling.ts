/**
 * Coupling (V7, E5, C10): several values in one registration, so one
 * certificate stands for many small values. Both orders of the seed: couple
 * the plain values and then seal the whole (`couple-then-encrypt`), or seal
 * each value under its own key and then couple the sealed pieces
 * (`encrypt-then-couple`; the record seals the coupling once more, so the
 * safe sees one opaque body either way). Decoupled on recovery into the
 * values exactly as they were.
 */
import { PhoneSafeError } from '@phonesafe/protocol';
import { b64url, fromB64url, openPiece, sealPiece, type CardKeys, type SealedPiece } from '@phonesafe/protocol/node';
import { z } from 'zod';
import type { ValueRow } from '../card/card.ts';

export type CoupleOrder = 'couple-then-encrypt' | 'encrypt-then-couple';
export const COUPLED_CLASS = 'coupled';

const Member = z.strictObject({
  valueId: z.string(),
  generation: z.number().int().positive(),
  class: z.string(),
  semantics: z.enum(['bearer', 'secret']),
});
const Coupled = z.strictObject({
  v: z.literal(1),
  type: z.literal('phonesafe.coupled'),
  order: z.enum(['couple-then-encrypt', 'encrypt-then-couple']),
  members: z.array(
    Member.extend({
      bytes: z.string().optional(),
      piece: z.strictObject({ valueId: z.string(), generation: z.number(), dekSalt: z.string(), ct: z.string() }).optional(),
    }),
  ),
});

export interface Decoupled {
  valueId: string;
  generation: number;
  class: string;
  semantics: 'bearer' | 'secret';
  bytes: Buffer;
}

/** The coupled document's bytes (the plain value of the one registration). */
export function couple(card: CardKeys, rows: readonly ValueRow[], order: CoupleOrder): Buffer {
  if (rows.length < 2) throw new PhoneSafeError('USAGE', 'coupling takes at least two values');
  if (new Set(rows.map((r) => r.semantics)).size > 1)
    throw new PhoneSafeError('USAGE', 'bearer and secret values cannot be coupled together');
  const members = rows.map((r) => {
    const member = { valueId: r.value_id, generation: r.generation, class: r.class, semantics: r.semantics };
    const bytes = Buffer.from(r.bytes);
    return order === 'couple-then-encrypt'
      ? { ...member, bytes: b64url(bytes) }
      : { ...member, piece: sealPiece(card, r.value_id, r.generation, bytes) };
  });
  return Buffer.from(JSON.stringify({ v: 1, type: 'phonesafe.coupled', order, members }));
}

/** The values a coupled document holds; DECRYPT_FAILED when a sealed piece does not open. */
export function decouple(card: CardKeys, bytes: Buffer): Decoupled[] {
  const parsed = Coupled.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success) throw new PhoneSafeError('SAFE_SIGNATURE_INVALID', 'the coupled value is malformed');
  return parsed.data.members.map((m) => {
    const plain = m.piece ? openPiece(card, m.piece as SealedPiece) : m.bytes !== undefined ? fromB64url(m.bytes) : undefined;
    if (!plain) throw new PhoneSafeError('SAFE_SIGNATURE_INVALID', 'a coupled member has no content');
    return { valueId: m.valueId, generation: m.generation, class: m.class, semantics: m.semantics, bytes: plain };
  });
}
