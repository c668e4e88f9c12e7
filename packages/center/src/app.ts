/**
 * The composition root: from the storage, blobs, bus and configuration a
 * center runs on (resources.ts), the services of every capability, their
 * routes, and how the capabilities meet: the backup and restore hooks, the
 * handset revocation, the channel's handlers and hooks, the scheduler's
 * steps. Nothing else constructs services. Each service takes what it needs
 * of `base` (its deps type says which); routes are thin.
 */
import type { Clock } from '@phonesafe/protocol';
import { asHandset, Authenticator, forgetTriesStep, Lockout, useCallerAuth } from './auth/index.ts';
import {
  backupHookLists,
  backupRoutes,
  BackupService,
  partRoutes,
  PartService,
  Quota,
  quotaRoutes,
  retentionHook,
} from './backup/index.ts';
import type { BlobStore } from './blobs/blob-store.ts';
import type { Store } from './center-store.ts';
import type { ChannelRegistry } from './channel/channel-registry.ts';
import { channelRoutes } from './channel/channel-routes.ts';
import type { HandsetHandlers } from './channel/handset-handlers.ts';
import type { CenterConfig } from './config/config.ts';
import { handsetRevocation, handsetRoutes, HandsetService } from './handsets/index.ts';
import { historyRoutes, HistoryService } from './history/index.ts';
import { type App, BodyGate, createServerApp, useBodyGate } from '@phonesafe/server-kit';
import { healthRoutes } from './http/health-routes.ts';
import type { Logger } from './logging/logger.ts';
import {
  mailNotifier,
  NoticeMailDispatcher,
  noticeRoutes,
  NoticeService,
  noticeStorageFull,
  storedNotifier,
  type Notifier,
} from './notices/index.ts';
import { ownerRoutes, OwnerService } from './owners/index.ts';
import type { PushBus } from './push/push-bus.ts';
import * as rescue from './rescue/index.ts';
import { restoreHookLists, restoreRoutes, RestoreService } from './restore/index.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { type AreaStats, subscriberRoutes, SubscriberService } from './subscribers/index.ts';
import { syncRoutes, SyncService } from './sync/index.ts';
import * as jobs from './schedules/index.ts';

/** wire-protocol.md: a JSON body is at most 64 MiB (an end notice of a large backup). */
const JSON_BODY_LIMIT = 64 * 1024 * 1024;
/** Part transfers: a 1 GiB backup is thousands of them; at info level they would drown the log and cost CPU. */
const BULK_ROUTES = new Set(['/v1/parts/:id']);

export interface ServerOptions {
  /** PEM certificate and key: serve HTTPS. */
  https?: { cert: Buffer; key: Buffer } | undefined;
}

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
  | 'noticeMail'
  | 'smtpPassword'
  | 'pruneGraceMs'
  | 'sync'
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
  /** Sends queued notice mails when SMTP is configured (started by the caller, like the scheduler). */
  mailer?: NoticeMailDispatcher;
}

export function buildApp(deps: AppDeps, server: ServerOptions = {}): BuiltApp {
  const { store, blobs, clock, config } = deps;
  const { notifier, mailer } = noticeDelivery(deps);
  const base: Base = { ...store, clock, bus: deps.bus, notifier, log: deps.logger };
  const { app, bodies } = httpApp(deps, base, server);

  // The hook lists are made empty and subscribed to in meet(), so capabilities can be built in any order.
  const backupHooks = backupHookLists();
  const restoreHooks = restoreHookLists();
  const jobService = new jobs.JobService({ ...base, transferTimeoutMs: config.transferTimeoutMs });
  const revocation = handsetRevocation(store.transaction, [jobs.clearScheduleOnRevoke]);
  const restores = new RestoreService({ ...base, hooks: restoreHooks });
  const quota = new Quota({ ...base, failed: backupHooks.failed, defaultBytes: config.quotaBytes });
  const { maxTries, lockMs, retentionMs, windowMs, warnMs } = config.rescue;
  const transfer = new rescue.RescueTransfer({ ...base, revocation, retentionMs });
  const gate = new rescue.RescueGate({ ...base, lockout: new Lockout({ ...base, maxTries, lockMs }), lockMs });
  const subscribers = simSync(app, base, config);
  const desk = new rescue.RescueService({ ...base, gate, transfer, restoreOrders: restores, windowMs, simHolder: subscribers });
  const sweep = new rescue.RescueSweep({ ...base, warnMs });

  const loginLockout = new Lockout({ ...base, ...config.login });
  ownerRoutes(app, new OwnerService({ ...base, centerSecret: config.centerSecret, lockout: loginLockout }));
  quotaRoutes(app, quota);
  handsetRoutes(app, new HandsetService({ ...base, revocation, codes: desk }));
  const checkStart = (handset: Parameters<Quota['checkStart']>[0]) => quota.checkStart(handset);
  backupRoutes(app, new BackupService({ ...base, maxPartBytes: config.maxPartBytes, checkQuota: checkStart, hooks: backupHooks }));
  const { maxPartBytes, pruneGraceMs } = config;
  const checkUpload = (handset: Parameters<Quota['checkUpload']>[0], bytes: number) => quota.checkUpload(handset, bytes);
  partRoutes(app, new PartService({ ...base, blobs, maxPartBytes, pruneGraceMs, checkQuota: checkUpload }), maxPartBytes);
  restoreRoutes(app, restores);
  rescue.rescueRoutes(app, desk, transfer);
  historyRoutes(app, new HistoryService(base));
  jobs.scheduleRoutes(app, new jobs.ScheduleService({ ...base, defaultRetry: config.defaultRetry }));
  noticeRoutes(app, new NoticeService(store.notices));
  // How the capabilities meet, in the order each list runs.
  backupHooks.starting.push(jobs.jobStartHook(jobService), rescue.rescueStartHook(transfer));
  const retention = retentionHook(base, config.retention, clock);
  backupHooks.committed.push(jobs.jobCommittedHook(jobService), rescue.rescueCommittedHook(transfer), retention);
  backupHooks.failed.push(jobs.jobFailedHook(jobService));
  restoreHooks.completed.push((order) => desk.restoreCompleted(order));
  const channel = channelRoutes(app, {
    ...base,
    rate: config.channel,
    handlers: { ...jobs.jobHandlers(jobService) } satisfies HandsetHandlers,
    hooks: { ...rescue.rescueChannelHooks(transfer), onDisconnect: [jobs.jobDisconnects(jobService)] },
    handsetOf: (req) => asHandset(req.caller).handsetId,
  });
  const jobSteps = jobs.jobTickSteps({ ...base, jobService, defaultRetry: config.defaultRetry });
  const scheduler = new Scheduler({ ...base, steps: [...jobSteps, rescue.rescueTickStep(sweep), forgetTriesStep(store.wrongTries)] });
  // Stop ticking before the store closes (the store's own onClose hook is added after this one).
  app.addHook('onClose', async () => {
    await scheduler.stop();
    await mailer?.stop();
  });
  return { app, scheduler, channel, bodies, ...(mailer ? { mailer } : {}) };
}

/** With SMTP configured, a notice is stored and its mail queued in one transaction; the dispatcher sends it. */
function noticeDelivery(deps: AppDeps): { notifier: Notifier; mailer?: NoticeMailDispatcher } {
  const { store, clock, config } = deps;
  const mail = config.noticeMail;
  if (deps.notifier) return { notifier: deps.notifier };
  if (!mail) return { notifier: storedNotifier(store.notices, clock) };
  const password = config.smtpPassword ?? '';
  return {
    notifier: mailNotifier({ transaction: store.transaction, clock }),
    mailer: new NoticeMailDispatcher({ noticeMail: store.noticeMail, clock, config: mail, password, log: deps.logger }),
  };
}

/**
 * SIM sync (sync.md): the subscriber DB sits behind its own port ([0069]):
 * the sync server sees it only as a SubscriberDirectory, and the subscriber
 * view reads the user area through AreaStats.
 */
function simSync(app: App, base: Base, config: AppConfig): SubscriberService {
  const lockout = new Lockout({ ...base, ...config.sync });
  const area: AreaStats = {
    lastSeq: (id) => syncService.lastSeq(id),
    cursors: (id) => syncService.cursors(id),
    rewindCursor: (id, terminalId) => syncService.rewindCursor(id, terminalId),
  };
  const subscribers = new SubscriberService({ ...base, lockout, area });
  const syncService: SyncService = new SyncService({ ...base, directory: subscribers });
  subscriberRoutes(app, subscribers);
  syncRoutes(app, syncService);
  return subscribers;
}

/** What every service may take from (each service's deps type says what it does take). */
type Base = Store & { clock: Clock; bus: PushBus; notifier: Notifier; log: Logger };

/** The HTTP app before any capability's routes: access on every route, the bound on large bodies, health, storage-full notices. */
function httpApp(deps: AppDeps, base: Base, server: ServerOptions): { app: App; bodies: BodyGate } {
  const https = server.https;
  const app = createServerApp({ server: 'center', logger: deps.logger, bodyLimit: JSON_BODY_LIMIT, https, bulkRoutes: BULK_ROUTES });
  useCallerAuth(app, new Authenticator(base));
  const bodies = new BodyGate(deps.config.bodies, 'center');
  useBodyGate(app, bodies);
  healthRoutes(app, { store: deps.store, blobs: deps.blobs, minFreeBytes: deps.config.maxPartBytes });
  noticeStorageFull(app, base);
  return { app, bodies };
}
