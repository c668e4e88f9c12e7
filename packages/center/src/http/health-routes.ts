/**
 * `GET /v1/health` (wire-protocol.md): whether this center can take a
 * backup now. The database must answer a query, and the blob store must take
 * a file and have room for at least one part of the largest size; otherwise
 * 503 `degraded`, so a load balancer or monitor can act. Public, and says
 * nothing about any owner.
 */
import { HealthResponse } from '@phonesafe/protocol';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { App } from '@phonesafe/server-kit';

export function healthRoutes(
  app: App,
  deps: { store: { ping(): Promise<void> }; blobs: Pick<BlobStore, 'probe'>; minFreeBytes: number },
): void {
  app.get(
    '/v1/health',
    { config: { auth: 'public' }, schema: { response: { 200: HealthResponse, 503: HealthResponse } } },
    async (_req, reply) => {
      const [database, probe] = await Promise.all([
        deps.store.ping().then(
          () => 'ok' as const,
          () => 'unreachable' as const,
        ),
        deps.blobs.probe(),
      ]);
      const blobs = !probe.writable ? 'not-writable' : probe.freeBytes !== null && probe.freeBytes < deps.minFreeBytes ? 'low-space' : 'ok';
      const status = database === 'ok' && blobs === 'ok' ? 'ok' : 'degraded';
      return reply.code(status === 'ok' ? 200 : 503).send({ status, storage: { database, blobs, freeBytes: probe.freeBytes } });
    },
  );
}
