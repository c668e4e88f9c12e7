/**
 * Route-level access: every route declares `config: { auth }` (public, owner,
 * handset or any). A route without a declaration fails at start-up, so a new
 * endpoint can never be public by omission. Authentication runs in onRequest,
 * before the body is read, so an anonymous caller cannot make the center
 * buffer a large body; and a public route's body limit is capped here at
 * PUBLIC_BODY_LIMIT, whatever the route declares.
 */
import type { ErrorCode } from '@phonesafe/protocol';
import type { onRequestHookHandler } from 'fastify';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Access, Caller } from '../auth/caller.ts';
import type { App } from './zod.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. */
    auth?: Access;
    /** The code answered when the body exceeds the route's limit (default BODY_TOO_LARGE). */
    tooLarge?: ErrorCode;
  }
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route. */
    caller: Caller;
  }
}

/** The largest body an anonymous caller can send; the biggest public body (a registration with its wrapped key) is under 1 KiB. */
export const PUBLIC_BODY_LIMIT = 16 * 1024;

export function useRouteAuth(app: App, authenticator: Authenticator): void {
  // Starts empty (Fastify wants request decorations declared up front); the hook fills it.
  app.decorateRequest<Caller>('caller', null as unknown as Caller);
  app.addHook('onRoute', (route) => {
    const access = route.config?.auth;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no config.auth`);
    if (access === 'public') {
      route.bodyLimit = Math.min(route.bodyLimit ?? PUBLIC_BODY_LIMIT, PUBLIC_BODY_LIMIT);
      return;
    }
    const authenticate: onRequestHookHandler = async (request) => {
      request.caller = await authenticator.authenticate(request.headers.authorization, access);
    };
    const existing = route.onRequest === undefined ? [] : [route.onRequest].flat();
    route.onRequest = [authenticate, ...existing];
  });
}
