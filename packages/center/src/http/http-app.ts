/**
 * The Fastify app every route module registers on: zod schemas for
 * validation and answers, one request line per request, problem+json for
 * every error, a 404 that is a problem too, and the same for requests Node's
 * HTTP parser refuses. Routes and access come after, from the composition root.
 */
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { Logger } from '../logging/logger.ts';
import { clientErrorHandler } from './client-error.ts';
import { notFound, sendProblem } from './problem.ts';
import { useRequestLog } from './request-log.ts';
import { useZodSchemas, type App } from './zod.ts';

/** wire-protocol.md: a JSON body is at most 64 MiB (an end notice of a large backup). */
const JSON_BODY_LIMIT = 64 * 1024 * 1024;

export interface ServerOptions {
  /** PEM certificate and key: serve HTTPS. */
  https?: { cert: Buffer; key: Buffer } | undefined;
}

export function createHttpApp(logger: Logger, server: ServerOptions = {}): App {
  // Fastify's own request lines are off: request-log.ts writes one line per request, secrets redacted.
  const logController = new LogController({ disableRequestLogging: true });
  const options = {
    loggerInstance: logger as FastifyBaseLogger,
    logController,
    bodyLimit: JSON_BODY_LIMIT,
    exposeHeadRoutes: false,
    clientErrorHandler,
  };
  // An HTTPS server answers the same routes; only its raw server type differs, which no route touches.
  const fastify = server.https ? (Fastify({ ...options, https: server.https }) as unknown as ReturnType<typeof Fastify>) : Fastify(options);
  const app: App = fastify.withTypeProvider();
  useZodSchemas(app);
  useRequestLog(app);
  app.setErrorHandler(sendProblem);
  app.setNotFoundHandler(notFound);
  return app;
}
