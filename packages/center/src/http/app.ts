/**
 * Builds the center's HTTP API (docs/design/wire-protocol.md) from explicit
 * dependencies. Routes are thin; each capability's service holds the logic.
 */
import type { Clock } from '@phonesafe/protocol';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { Authenticator } from '../auth/authenticator.ts';
import { Lockout } from '../auth/lockout.ts';
import { backupRoutes } from '../backup/backup-routes.ts';
import { BackupService } from '../backup/backup-service.ts';
import { partRoutes } from '../backup/part-routes.ts';
import { PartService } from '../backup/part-service.ts';
import { Quota } from '../backup/quota.ts';
import { quotaRoutes } from '../backup/quota-routes.ts';
import type { ChannelRegistry } from '../channel/channel-registry.ts';
import { channelRoutes } from '../channel/channel-routes.ts';
import type { CenterConfig } from '../config/config.ts';
import { handsetRoutes } from '../handsets/handset-routes.ts';
import { HandsetService } from '../handsets/handset-service.ts';
import { historyRoutes } from '../history/history-routes.ts';
import { HistoryService } from '../history/history-service.ts';
import { JobService } from '../jobs/job-service.ts';
import { Scheduler } from '../jobs/scheduler.ts';
import type { Logger } from '../logging/logger.ts';
import { healthRoutes } from './health-routes.ts';
import { useRequestLog } from './request-log.ts';
import { noticeStorageFull } from './storage-notices.ts';
import { forgetByPolicy } from '../maintenance/forget.ts';
import { noticeRoutes } from '../notices/notice-routes.ts';
import { NoticeService } from '../notices/notice-service.ts';
import { storedNotifier, type Notifier } from '../notices/notifier.ts';
import { ownerRoutes } from '../owners/owner-routes.ts';
import { OwnerService } from '../owners/owner-service.ts';
import type { PushBus } from '../push/push-bus.ts';
import { buildRescueDesk } from '../rescue/rescue-desk.ts';
import { rescueRoutes } from '../rescue/rescue-routes.ts';
import { restoreRoutes } from '../restore/restore-routes.ts';
import { RestoreService } from '../restore/restore-service.ts';
import { scheduleRoutes } from '../schedules/schedule-routes.ts';
import { ScheduleService } from '../schedules/schedule-service.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Store } from '../store/store.ts';
import { useRouteAuth } from './auth.ts';
import { BodyGate, useBodyGate } from './body-gate.ts';
import { clientErrorHandler } from './client-error.ts';
import { notFound, sendProblem } from './problem.ts';
import { useZodSchemas, type App } from './zod.ts';

/** wire-protocol.md: a JSON body is at most 64 MiB (an end notice of a large backup). */
const JSON_BODY_LIMIT = 64 * 1024 * 1024;

export type AppConfig = Pick<
  CenterConfig,
  | 'maxPartBytes'
  | 'retention'
  | 'defaultRetry'
  | 'transferTimeoutMs'
  | 'quotaBytes'
  | 'rescue'
  | 'login'
  | 'bodies'
  | 'channel'
  | 'pruneGraceMs'
> & { centerSecret: string };

export interface AppDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  config: AppConfig;
  logger: Logger;
  /** Reaches handsets connected to any center sharing the database. */
  bus: PushBus;
  /** How owners are told things; by default, stored notices. */
  notifier?: Notifier;
}

/** The HTTP app and what runs beside it: the scheduler (started by the caller), this process's channel registry, the bound on large bodies. */
export interface BuiltApp {
  app: App;
  scheduler: Scheduler;
  channel: ChannelRegistry;
  bodies: BodyGate;
}

export interface ServerOptions {
  /** PEM certificate and key: serve HTTPS. */
  https?: { cert: Buffer; key: Buffer } | undefined;
}

export function buildApp(deps: AppDeps, server: ServerOptions = {}): BuiltApp {
  const { store, blobs, clock, config, logger, bus } = deps;
  const notifier = deps.notifier ?? storedNotifier(store.notices, clock);
  const jobs = new JobService({
    jobs: store.jobs,
    schedules: store.schedules,
    handsets: store.handsets,
    notifier,
    clock,
    transferTimeoutMs: config.transferTimeoutMs,
  });
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
  useRouteAuth(app, new Authenticator({ owners: store.owners, handsets: store.handsets, clock }));
  const bodies = new BodyGate(config.bodies);
  useBodyGate(app, bodies);

  healthRoutes(app, { store, blobs, minFreeBytes: config.maxPartBytes });
  noticeStorageFull(app, { notices: store.notices, notifier, clock });
  const loginLockout = new Lockout({ tries: store.wrongTries, clock, ...config.login });
  ownerRoutes(
    app,
    new OwnerService({
      owners: store.owners,
      clock,
      centerSecret: config.centerSecret,
      lockout: loginLockout,
      notifier,
      notices: store.notices,
    }),
  );
  const restores = new RestoreService({
    restores: store.restores,
    backups: store.backups,
    handsets: store.handsets,
    history: store.history,
    bus,
    notifier,
    clock,
    completed: (order) => rescue.desk.restoreCompleted(order),
  });
  const rescue = buildRescueDesk({ store, restores, notifier, bus, clock, log: logger, policy: config.rescue });
  const quota = new Quota({
    owners: store.owners,
    parts: store.parts,
    backups: store.backups,
    notices: store.notices,
    jobs: store.jobs,
    jobService: jobs,
    notifier,
    clock,
    defaultBytes: config.quotaBytes,
  });
  quotaRoutes(app, quota);
  handsetRoutes(
    app,
    new HandsetService({
      handsets: store.handsets,
      clock,
      bus,
      notifier,
      log: logger,
      setRescueCode: (ownerId, phone, code) => rescue.desk.setCode(ownerId, phone, code),
      assertRescueCodeMayChange: (ownerId, phone, code) => rescue.desk.assertCodeMayChange(ownerId, phone, code),
      hasRescueCode: async (ownerId, phone) => (await store.rescueCodes.findCode(phone))?.ownerId === ownerId,
    }),
  );
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
      checkQuota: (handset) => quota.checkStart(handset),
      jobs,
      rescues: rescue.transfer,
    }),
  );
  const parts = new PartService({
    parts: store.parts,
    blobs,
    clock,
    maxPartBytes: config.maxPartBytes,
    pruneGraceMs: config.pruneGraceMs,
    checkQuota: (handset, bytes) => quota.checkUpload(handset, bytes),
  });
  partRoutes(app, parts, config.maxPartBytes);
  restoreRoutes(app, restores);
  rescueRoutes(app, rescue.desk, rescue.transfer);
  historyRoutes(app, new HistoryService({ history: store.history, handsets: store.handsets }));
  scheduleRoutes(
    app,
    new ScheduleService({ schedules: store.schedules, handsets: store.handsets, clock, defaultRetry: config.defaultRetry }),
  );
  noticeRoutes(app, new NoticeService(store.notices));
  const channel = channelRoutes(app, { bus, jobs, log: logger, rescues: rescue.transfer, clock, rate: config.channel });
  const scheduler = new Scheduler({
    schedules: store.schedules,
    jobs: store.jobs,
    jobService: jobs,
    bus,
    clock,
    defaultRetry: config.defaultRetry,
    log: logger,
    rescues: rescue.sweep,
    wrongTries: store.wrongTries,
  });
  // Stop ticking before the store closes (the store's own onClose hook is added after this one).
  app.addHook('onClose', () => scheduler.stop());
  return { app, scheduler, channel, bodies };
}
