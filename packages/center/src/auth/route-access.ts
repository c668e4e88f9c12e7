/**
 * The center's access kinds and its caller, on every route (server-kit's
 * route-auth.ts): an owner token, a handset credential, or either.
 */
import { type App, useRouteAuth } from '@phonesafe/server-kit';
import type { Authenticator } from './authenticator.ts';
import type { Caller } from './caller.ts';

declare module '@phonesafe/server-kit' {
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
  useRouteAuth(app, {
    kinds: ['owner', 'handset', 'any'],
    authenticate: async (request, access) => {
      request.caller = await authenticator.authenticate(request.headers.authorization, access);
    },
  });
}
