import type { App } from './zod.ts';

/**
 * Registers routes that take a raw `application/octet-stream` body (sealed
 * parts). The parser lives only in this scope: there JSON is refused with
 * 415, and elsewhere a binary body is never buffered.
 */
export function withRawBody(app: App, routes: (scoped: App) => void): void {
  app.register(async (scoped: App) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    routes(scoped);
  });
}
