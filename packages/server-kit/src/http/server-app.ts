/**
 * The Fastify app every PhoneSafe server registers its routes on: zod
 * schemas for validation and answers, one request line per request,
 * problem+json for every error, a 404 that is a problem too, and the same for
 * requests Node's HTTP parser refuses. Routes and access come after, from the
 * server's composition root (useRouteAuth).
 */
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { Logger } from '../logging/logger.ts';
import { clientErrorHandler } from './client-error.ts';
import { notFound, problemHandler } from './problem.ts';
import { useRequestLog } from './request-log.ts';
import { useZodSchemas, type App } from './zod.ts';

export interface ServerAppOptions {
  /** How answers name the server ("the center failed to handle the request"). */
  server: string;
  logger: Logger;
  /** The largest JSON body any route takes. */
  bodyLimit: number;
  /** PEM certificate and key: serve HTTPS. */
  https?: { cert: Buffer; key: Buffer } | undefined;
  /** Route patterns logged at debug level when they succeed (request-log.ts). */
  bulkRoutes?: ReadonlySet<string>;
}

export function createServerApp(options: ServerAppOptions): App {
  // Fastify's own request lines are off: request-log.ts writes one line per request, secrets redacted.
  const logController = new LogController({ disableRequestLogging: true });
  const fastifyOptions = {
    loggerInstance: options.logger as FastifyBaseLogger,
    logController,
    bodyLimit: options.bodyLimit,
    exposeHeadRoutes: false,
    clientErrorHandler,
  };
  // An HTTPS server answers the same routes; only its raw server type differs, which no route touches.
  const fastify = options.https
    ? (Fastify({ ...fastifyOptions, https: options.https }) as unknown as ReturnType<typeof Fastify>)
    : Fastify(fastifyOptions);
  const app: App = fastify.withTypeProvider();
  useZodSchemas(app);
  useRequestLog(app, options.bulkRoutes);
  app.setErrorHandler(problemHandler(options.server));
  app.setNotFoundHandler(notFound);
  return app;
}
