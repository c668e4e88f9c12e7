/**
 * The center's access kinds and its caller, on every route (http/route-auth.ts):
 * an owner token, a handset credential, or either.
 */
import type { App } from '../http/zod.ts';
import { useRouteAuth } from '../http/route-auth.ts';
import type { Authenticator } from './authenticator.ts';
import type { Caller } from './caller.ts';

declare module '../http/route-auth.ts' {
  interface RouteAccessKinds {
    owner: true;
    handset: true;
    any: true;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route. */
    caller: Caller;
  }
}

export function useCallerAuth(app: App, authenticator: Pick<Authenticator, 'authenticate'>): void {
  // Starts empty (Fastify wants request decorations declared up front); the hook fills it.
  app.decorateRequest<Caller>('caller', null as unknown as Caller);
  useRouteAuth(app, async (request, access) => {
    request.caller = await authenticator.authenticate(request.headers.authorization, access);
  });
}
