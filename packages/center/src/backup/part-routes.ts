import {
  decodePartBatch,
  encodePartBatch,
  FetchPartsRequest,
  MAX_BATCH_BYTES,
  MissingPartsRequest,
  MissingPartsResponse,
  PartAck,
  PartBatchAck,
  PartId,
  Sha256Hex,
} from '@phonesafe/protocol';
import { z } from 'zod';
import { asHandset } from '../auth/caller.ts';
import { type App, withRawBody } from '@phonesafe/server-kit';
import type { PartService } from './part-service.ts';

const PartParams = z.strictObject({ id: PartId });
const SHA_HEADER = 'x-phonesafe-sha256';
// Other headers pass through untouched: Fastify replaces request.headers with the parsed value.
const PartHeaders = z.looseObject({ [SHA_HEADER]: Sha256Hex });

export function partRoutes(app: App, parts: PartService, maxPartBytes: number): void {
  app.post(
    '/v1/parts/missing',
    { config: { auth: 'handset' }, schema: { body: MissingPartsRequest, response: { 200: MissingPartsResponse } } },
    (req) => parts.missing(req.caller.ownerId, req.body.ids),
  );
  withRawBody(app, (scoped) => {
    scoped.put(
      '/v1/parts/:id',
      {
        config: { auth: 'handset', tooLarge: 'PART_TOO_LARGE' },
        // Fastify refuses a larger content-length before reading a byte, and stops a chunked body at the limit.
        bodyLimit: maxPartBytes,
        schema: { params: PartParams, headers: PartHeaders, body: z.instanceof(Buffer), response: { 200: PartAck, 201: PartAck } },
      },
      async (req, reply) => {
        const ack = await parts.put(asHandset(req.caller), req.params.id, req.body, req.headers[SHA_HEADER]);
        return reply.code(ack.stored === 'new' ? 201 : 200).send(ack);
      },
    );
    scoped.put(
      '/v1/parts',
      {
        // The index of a full batch is well under 1 MiB.
        config: { auth: 'handset', tooLarge: 'PART_TOO_LARGE' },
        bodyLimit: MAX_BATCH_BYTES + 1024 * 1024,
        schema: { body: z.instanceof(Buffer), response: { 200: PartBatchAck } },
      },
      async (req) => ({ acks: await parts.putBatch(asHandset(req.caller), decodePartBatch(req.body)) }),
    );
  });
  app.post('/v1/parts/fetch', { config: { auth: 'any' }, schema: { body: FetchPartsRequest } }, async (req, reply) => {
    const batch = await parts.getBatch(req.caller.ownerId, req.body.ids);
    return reply.type('application/octet-stream').send(encodePartBatch(batch));
  });
  app.get('/v1/parts/:id', { config: { auth: 'any' }, schema: { params: PartParams } }, async (req, reply) => {
    const { bytes, sha256 } = await parts.get(req.caller.ownerId, req.params.id);
    return reply
      .type('application/octet-stream')
      .header(SHA_HEADER, sha256)
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}
