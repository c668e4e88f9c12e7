import type { FastifyInstance } from 'fastify';

/** Part transfers: a 1 GiB backup is thousands of them; at info level they would drown the log and cost CPU. */
const BULK_ROUTES = new Set(['/v1/parts/:id']);

/**
 * One log line per request, when it completes: route pattern (not the raw
 * URL), status and duration. Replaces Fastify's two lines per request, and
 * never carries headers, so no credential can reach the log from here.
 */
export function useRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const line = { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (BULK_ROUTES.has(route) && reply.statusCode < 400) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });
}
