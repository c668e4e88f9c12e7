import { z } from 'zod';
import { DATA_KINDS } from '../kinds.ts';

/** Part ids are HMAC-SHA-256 of the plaintext under the owner's part-id key, hex. */
export const PartId = z.string().regex(/^[0-9a-f]{64}$/, 'a part id is 64 lower-case hex digits');
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lower-case hex digits');
export const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 expected');
export const Id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'an id is 8-64 URL-safe characters');
export const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
export const HandsetName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N} ._-]+$/u, 'letters, digits, space, dot, dash, underscore');
export const Kind = z.enum(DATA_KINDS);
export const Timestamp = z.iso.datetime();

/** Reference to a stored part, as both ends describe it. `size` is the stored (sealed) size. */
export const PartRef = z.strictObject({
  id: PartId,
  size: z.number().int().nonnegative(),
  sha256: Sha256Hex,
});
export type PartRef = z.infer<typeof PartRef>;

/** Body of every error answer (RFC 9457 application/problem+json). */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  retryable: z.boolean().optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type Problem = z.infer<typeof Problem>;
