import { z } from 'zod';

/**
 * `GET /v1/health` (wire-protocol.md): 200 with `ok`, 503 with `degraded`
 * when the database does not answer or the blob store cannot take a part.
 * `freeBytes` is what the blob store's file system has left; null when unknown.
 */
export const HealthResponse = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  storage: z.strictObject({
    database: z.enum(['ok', 'unreachable']),
    blobs: z.enum(['ok', 'not-writable', 'low-space']),
    freeBytes: z.number().int().nonnegative().nullable(),
  }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
