import type { FastifyInstance } from 'fastify';

/**
 * One log line per request, when it completes: route pattern (not the raw
 * URL), status and duration. Replaces Fastify's two lines per request, and
 * never carries headers, so no credential can reach the log from here.
 * Successful requests to `bulkRoutes` (route patterns a transfer calls
 * thousands of times) are logged at debug level only.
 */
export function useRequestLog(app: FastifyInstance, bulkRoutes: ReadonlySet<string> = new Set()): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const line = { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (bulkRoutes.has(route) && reply.statusCode < 400) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });
}
