/**
 * Builds the center's HTTP API (docs/design/wire-protocol.md) from explicit
 * dependencies. Routes are thin; each capability's service holds the logic.
 */
import type { Clock } from '@phonesafe/protocol';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { Authenticator } from '../auth/authenticator.ts';
import { backupRoutes } from '../backup/backup-routes.ts';
import { BackupService } from '../backup/backup-service.ts';
import { partRoutes } from '../backup/part-routes.ts';
import { PartService } from '../backup/part-service.ts';
import type { CenterConfig } from '../config/config.ts';
import { handsetRoutes } from '../handsets/handset-routes.ts';
import { HandsetService } from '../handsets/handset-service.ts';
import { historyRoutes } from '../history/history-routes.ts';
import { HistoryService } from '../history/history-service.ts';
import type { Logger } from '../logging/logger.ts';
import { forgetByPolicy } from '../maintenance/forget.ts';
import { ownerRoutes } from '../owners/owner-routes.ts';
import { OwnerService } from '../owners/owner-service.ts';
import { restoreRoutes } from '../restore/restore-routes.ts';
import { RestoreService } from '../restore/restore-service.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Store } from '../store/store.ts';
import { useRouteAuth } from './auth.ts';
import { notFound, sendProblem } from './problem.ts';
import { useZodSchemas, type App } from './zod.ts';

/** wire-protocol.md: a JSON body is at most 64 MiB (an end notice of a large backup). */
const JSON_BODY_LIMIT = 64 * 1024 * 1024;

export type AppConfig = Pick<CenterConfig, 'maxPartBytes' | 'retention'> & { centerSecret: string };

export interface AppDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  config: AppConfig;
  logger: Logger;
}

export interface ServerOptions {
  /** PEM certificate and key: serve HTTPS. */
  https?: { cert: Buffer; key: Buffer } | undefined;
}

export function buildApp(deps: AppDeps, server: ServerOptions = {}): App {
  const { store, blobs, clock, config, logger } = deps;
  const options = { loggerInstance: logger as FastifyBaseLogger, bodyLimit: JSON_BODY_LIMIT, exposeHeadRoutes: false };
  // An HTTPS server answers the same routes; only its raw server type differs, which no route touches.
  const fastify = server.https ? (Fastify({ ...options, https: server.https }) as unknown as ReturnType<typeof Fastify>) : Fastify(options);
  const app: App = fastify.withTypeProvider();
  useZodSchemas(app);
  app.setErrorHandler(sendProblem);
  app.setNotFoundHandler(notFound);
  useRouteAuth(app, new Authenticator({ owners: store.owners, handsets: store.handsets, clock }));

  app.get('/v1/health', { config: { auth: 'public' }, schema: { response: { 200: z.strictObject({ status: z.literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));
  ownerRoutes(app, new OwnerService({ owners: store.owners, clock, centerSecret: config.centerSecret }));
  handsetRoutes(app, new HandsetService({ handsets: store.handsets, clock }));
  backupRoutes(
    app,
    new BackupService({
      backups: store.backups,
      handsets: store.handsets,
      history: store.history,
      applyRetention: ({ ownerId, handsetId }) => forgetByPolicy(store, ownerId, handsetId, config.retention, clock.now().toISOString()),
      clock,
      log: logger,
      maxPartBytes: config.maxPartBytes,
    }),
  );
  partRoutes(app, new PartService({ parts: store.parts, blobs, clock, maxPartBytes: config.maxPartBytes }), config.maxPartBytes);
  restoreRoutes(app, new RestoreService({ restores: store.restores, backups: store.backups, handsets: store.handsets, history: store.history, clock }));
  historyRoutes(app, new HistoryService({ history: store.history, handsets: store.handsets }));
  return app;
}
