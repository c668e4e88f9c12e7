/**
 * The safe's composition root: the one place its capabilities (deposits,
 * owners, card-request auth, audit) are built and wired to each other
 * through their ports, over one engine.
 */
import { PhoneSafeError, SafeInfo, type Clock } from '@phonesafe/protocol';
import { b64url } from '@phonesafe/protocol/node';
import { createServerApp, unitOfWork, useRouteAuth, type App, type Engine, type Logger } from '@phonesafe/server-kit';
import { auditRepo } from './audit/audit-queries.ts';
import { checkCardHeaders, verifyCardRequest } from './auth/card-request.ts';
import type { SafeConfig } from './config/config.ts';
import { depositRepo } from './deposits/deposit-queries.ts';
import { depositRoutes } from './deposits/deposit-routes.ts';
import { DepositService } from './deposits/deposit-service.ts';
import { ReleaseService } from './deposits/release-service.ts';
import type { SafeKeys } from './identity/safe-keys.ts';
import { ownerRepo } from './owners/owner-queries.ts';
import { ownerRoutes } from './owners/owner-routes.ts';
import { OwnerService } from './owners/owner-service.ts';

declare module '@phonesafe/server-kit' {
  interface RouteAccessKinds {
    /** A request signed by an IC card (auth/card-request.ts). */
    card: true;
  }
}

export interface SafeDeps {
  engine: Engine;
  keys: SafeKeys;
  config: Pick<SafeConfig, 'name' | 'maxTries' | 'counterMax' | 'maxValueBytes'>;
  clock: Clock;
  logger: Logger;
  /** The URL the safe answers on (known once it listens). */
  selfUrl(): string;
  https?: { cert: Buffer; key: Buffer } | undefined;
}

/** Body limit: the largest sealed value in base64url plus its header and signature. */
function bodyLimit(maxValueBytes: number): number {
  return Math.ceil((maxValueBytes * 4) / 3) + 16 * 1024;
}

export function buildSafeApp(deps: SafeDeps): App {
  const { engine, keys, clock, config } = deps;
  const app = createServerApp({ server: 'safe', logger: deps.logger, bodyLimit: bodyLimit(config.maxValueBytes), https: deps.https });
  keepRawJson(app);
  useRouteAuth(app, { kinds: ['card'], authenticate: async (request) => checkCardHeaders(request, clock) });
  // Before validation, so a signed request with a bad body still spends its nonce.
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.auth === 'card') await verifyCardRequest(request, { engine, clock, safeId: keys.safeId });
  });
  const isUniqueViolation = (error: unknown) => engine.isUniqueViolation(error);
  const owners = new OwnerService({
    keys,
    repo: ownerRepo(engine),
    work: unitOfWork(engine, (e) => ({ owners: ownerRepo(e), escrow: depositRepo(e), audit: auditRepo(e) })),
    clock,
    maxTries: config.maxTries,
    isUniqueViolation,
  });
  const work = unitOfWork(engine, (e) => ({ deposits: depositRepo(e), audit: auditRepo(e) }));
  const repo = depositRepo(engine);
  const context = {
    keys,
    counterMax: config.counterMax,
    maxTries: config.maxTries,
    maxValueBytes: config.maxValueBytes,
    selfUrl: deps.selfUrl,
    owners,
  };
  depositRoutes(
    app,
    new DepositService({ ...context, repo, work, clock, isUniqueViolation }),
    new ReleaseService({ keys, owners, repo, work, clock, maxTries: config.maxTries }),
  );
  ownerRoutes(app, owners);
  const info: SafeInfo = {
    safeId: keys.safeId,
    name: config.name,
    signPub: b64url(keys.sign.publicRaw),
    boxPub: b64url(keys.box.publicRaw),
    fingerprint: keys.fingerprint,
  };
  app.get('/v1/safe', { config: { auth: 'public' }, schema: { response: { 200: SafeInfo } } }, async () => info);
  app.get('/v1/health', { config: { auth: 'public' } }, async () => ({ status: 'ok' }));
  return app;
}

/** JSON bodies are parsed here so their exact bytes stay on the request: the card signed those bytes. */
function keepRawJson(app: App): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    request.rawBody = body;
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(new PhoneSafeError('BAD_REQUEST', 'the body is not JSON'), undefined);
    }
  });
}
