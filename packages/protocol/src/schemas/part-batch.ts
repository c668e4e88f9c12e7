import { z } from 'zod';
import { PhoneSafeError } from '../errors.ts';
import { PartAck } from './backup.ts';
import { PartId, PartRef } from './common.ts';

/**
 * Many small sealed parts in one `PUT /v1/parts` (wire-protocol.md, Part
 * batches): one request instead of one per part, which is what a backup of
 * thousands of small items costs most. The body is
 *
 *   u32 big-endian n | n bytes of JSON PartBatchIndex | the parts' bytes, in index order
 *
 * Each part is stored and acknowledged exactly as by `PUT /v1/parts/:id`,
 * except that an id the center already holds with other bytes is answered
 * with the stored ref (`existing`) instead of PART_CONFLICT: the sender names
 * the stored copy either way. `POST /v1/parts/fetch {ids}` answers with a
 * batch body the same way, for restores of many small items.
 */
export const MAX_BATCH_PARTS = 1_000;
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/**
 * How clients batch: parts up to SMALL_PART_BYTES, up to BATCH_BYTES and
 * BATCH_PARTS per request (half the limits, so sealing overhead never
 * reaches them); larger parts travel one per request.
 */
export const SMALL_PART_BYTES = 256 * 1024;
export const BATCH_BYTES = 4 * 1024 * 1024;
export const BATCH_PARTS = 500;

/** Groups items in order: each large one alone, small ones up to BATCH_BYTES / BATCH_PARTS. */
export function planBatches<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const requests: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (size > SMALL_PART_BYTES) {
      requests.push([item]);
      continue;
    }
    if (batch.length > 0 && (bytes + size > BATCH_BYTES || batch.length === BATCH_PARTS)) {
      requests.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) requests.push(batch);
  return requests;
}

export const PartBatchIndex = z.strictObject({
  parts: z
    .array(PartRef)
    .min(1)
    .max(MAX_BATCH_PARTS)
    .refine((parts) => new Set(parts.map((p) => p.id)).size === parts.length, 'a part id appears twice')
    // The parts themselves, not the body (which adds the index): a batch never holds more than MAX_BATCH_BYTES of parts.
    .superRefine((parts, ctx) => {
      const total = parts.reduce((sum, ref) => sum + ref.size, 0);
      if (total > MAX_BATCH_BYTES)
        ctx.addIssue({ code: 'custom', message: `the parts hold ${total} bytes; a batch holds at most ${MAX_BATCH_BYTES}` });
    }),
});
export type PartBatchIndex = z.infer<typeof PartBatchIndex>;

export const PartBatchAck = z.strictObject({ acks: z.array(PartAck) });
export type PartBatchAck = z.infer<typeof PartBatchAck>;

/** `POST /v1/parts/fetch`: the stored parts, answered as a batch body; their sizes add up to at most MAX_BATCH_BYTES. */
export const FetchPartsRequest = z.strictObject({
  ids: z
    .array(PartId)
    .min(1)
    .max(MAX_BATCH_PARTS)
    .refine((ids) => new Set(ids).size === ids.length, 'a part id appears twice'),
});

export interface BatchPart {
  ref: PartRef;
  bytes: Uint8Array;
}

const LENGTH_BYTES = 4;

/** The request body for `parts`, whose refs must describe their bytes (size; the hash is checked by the center). */
export function encodePartBatch(parts: readonly BatchPart[]): Buffer {
  const index = Buffer.from(JSON.stringify(PartBatchIndex.parse({ parts: parts.map((p) => p.ref) })), 'utf8');
  const head = Buffer.alloc(LENGTH_BYTES);
  head.writeUInt32BE(index.length);
  return Buffer.concat([head, index, ...parts.map((p) => p.bytes)]);
}

/** Splits a batch body into its parts; BAD_REQUEST or VALIDATION_FAILED when it is not one. Sizes are checked, hashes are not. */
export function decodePartBatch(body: Buffer): BatchPart[] {
  if (body.length < LENGTH_BYTES) throw new PhoneSafeError('BAD_REQUEST', 'a part batch starts with the 4-byte length of its index');
  const indexEnd = LENGTH_BYTES + body.readUInt32BE(0);
  if (indexEnd > body.length) throw new PhoneSafeError('BAD_REQUEST', 'the part batch index is longer than the body');
  let json: unknown;
  try {
    json = JSON.parse(body.subarray(LENGTH_BYTES, indexEnd).toString('utf8'));
  } catch {
    throw new PhoneSafeError('BAD_REQUEST', 'the part batch index is not JSON');
  }
  const index = PartBatchIndex.safeParse(json);
  if (!index.success) {
    throw new PhoneSafeError('VALIDATION_FAILED', index.error.issues.map((i) => `index.${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const declared = index.data.parts.reduce((sum, ref) => sum + ref.size, 0);
  if (declared !== body.length - indexEnd) {
    throw new PhoneSafeError(
      'BAD_REQUEST',
      `the index declares ${declared} bytes of parts, the body holds ${body.length - indexEnd} (truncated?)`,
    );
  }
  let at = indexEnd;
  return index.data.parts.map((ref) => {
    const bytes = body.subarray(at, at + ref.size);
    at += ref.size;
    return { ref, bytes };
  });
}
