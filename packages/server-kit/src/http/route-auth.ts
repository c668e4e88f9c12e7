/**
 * Route-level access: every route declares `config: { auth }`: 'public', or
 * one of the access kinds the app adds to RouteAccessKinds. A route without
 * a declaration fails at start-up, so a new endpoint can never be public by
 * omission. Authentication runs in onRequest, before the body is read, so an
 * anonymous caller cannot make the server buffer a large body; and a public
 * route's body limit is capped here at PUBLIC_BODY_LIMIT, whatever the route
 * declares. What a credential is, and who the caller is, is the server's
 * `authenticate` (the center's: center/src/auth/route-access.ts).
 */
import type { ErrorCode } from '@phonesafe/protocol';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';

/**
 * The access kinds routes may declare besides 'public'; a server adds its
 * own by declaration merging (`declare module '@phonesafe/server-kit'`).
 * The merge is global to one TypeScript program, so each server also names
 * its kinds to useRouteAuth, and a route declaring another server's kind
 * fails at start-up.
 */
export interface RouteAccessKinds {}

/** Who may call a route. */
export type RouteAccess = 'public' | keyof RouteAccessKinds;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. */
    auth?: RouteAccess;
    /** The code answered when the body exceeds the route's limit (default BODY_TOO_LARGE). */
    tooLarge?: ErrorCode;
  }
}

/** Authenticates a request to a route of `access`, throwing PhoneSafeError to refuse it; records the caller on the request. */
export type Authenticate = (request: FastifyRequest, access: Exclude<RouteAccess, 'public'>) => Promise<void>;

/** The largest body an anonymous caller can send; the biggest public body (a registration with its wrapped key) is under 1 KiB. */
export const PUBLIC_BODY_LIMIT = 16 * 1024;

export interface RouteAuth {
  /** The server's access kinds besides 'public'. */
  kinds: ReadonlyArray<Exclude<RouteAccess, 'public'>>;
  authenticate: Authenticate;
}

export function useRouteAuth(app: FastifyInstance, { kinds, authenticate }: RouteAuth): void {
  app.addHook('onRoute', (route) => {
    const access = route.config?.auth;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no config.auth`);
    if (access !== 'public' && !kinds.includes(access)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares config.auth ${access}, not an access kind of this server`);
    }
    if (access === 'public') {
      route.bodyLimit = Math.min(route.bodyLimit ?? PUBLIC_BODY_LIMIT, PUBLIC_BODY_LIMIT);
      return;
    }
    const hook: onRequestHookHandler = (request) => authenticate(request, access);
    const existing = route.onRequest === undefined ? [] : [route.onRequest].flat();
    route.onRequest = [hook, ...existing];
  });
}
