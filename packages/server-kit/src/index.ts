/**
 * What any PhoneSafe server needs, so a new one (the safes' server) is built
 * from it without copying a line of the center: the Fastify app (zod type
 * provider, problem+json, route access, raw bodies, a request log, a bound on
 * large bodies), the Kysely engine over SQLite (`node:sqlite`) or PostgreSQL
 * with the migration runner and units of work, the configuration loader with
 * secret masking, and logging. Server-specific words (access kinds, the
 * server's name in answers, its migrations, its settings) are parameters.
 * Handsets and the pc never import it.
 */
export { BodyGate, SMALL_BODY_BYTES, useBodyGate, type BodyGateLimits, type BodyGateStats } from './http/body-gate.ts';
export { clientErrorHandler } from './http/client-error.ts';
export { notFound, problemBody, problemHandler, PROBLEM_TYPE } from './http/problem.ts';
export { withRawBody } from './http/raw-body.ts';
export { useRequestLog } from './http/request-log.ts';
export {
  PUBLIC_BODY_LIMIT,
  useRouteAuth,
  type Authenticate,
  type RouteAccess,
  type RouteAccessKinds,
  type RouteAuth,
} from './http/route-auth.ts';
export { listenOrClose } from './http/listen.ts';
export { createServerApp, type ServerAppOptions } from './http/server-app.ts';
export { useZodSchemas, type App, type ZodTypeProvider } from './http/zod.ts';

export { chunked } from './store/chunked.ts';
export { autoIdColumn, postgresEngine, sqliteEngine, type DialectName, type Engine } from './store/engine.ts';
export { checkIntegrity, type DatabaseCheck } from './store/integrity.ts';
export { migrate } from './store/migrate.ts';
export { engineFor, sqliteFileOf } from './store/open-engine.ts';
export { asStorageFault } from './store/storage-fault.ts';
export { engineIn, inTransaction, tablesOf, unitOfWork, type UnitOfWork } from './store/transaction.ts';
export { insertUnique } from './store/unique.ts';

export { ConfigSections } from './config/load.ts';
export { clockSection, listenSection, LOG_LEVELS, type ListenConfig, type ListenDefaults } from './config/listen.ts';
export { maskUrlPassword, secret, section, setting, type Section, type Setting, type SettingValues } from './config/setting.ts';

export { createServerLogger, type Logger, type LoggerOptions } from './logging/logger.ts';
