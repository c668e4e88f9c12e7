/**
 * Issue 8 item 11: anonymous routes take small bodies only, by construction,
 * and oversized bodies answer 413 BODY_TOO_LARGE and store nothing.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '@phonesafe/protocol';
import Fastify from 'fastify';
import { type App, PUBLIC_BODY_LIMIT, problemHandler, useRouteAuth, useZodSchemas } from '@phonesafe/server-kit';
import { call, expectProblem, startHarness, type Harness } from './http-harness.ts';

const padding = (bytes: number) => 'x'.repeat(bytes);

describe('body limits on public routes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({}, new ManualClock('2026-03-02T10:00:00.000Z'));
  });
  afterEach(() => h.close());

  it('a 100 KiB body to prelogin, register, login or the rescue desk → 413 BODY_TOO_LARGE, nothing stored', async () => {
    const email = 'big@example.org';
    const bodies: Array<[string, Record<string, unknown>]> = [
      ['/v1/owners/prelogin', { email, pad: padding(100 * 1024) }],
      [
        '/v1/owners',
        { email, authKey: 'AAAA', kdf: { algorithm: 'scrypt', salt: 'AAAA', N: 1024, r: 8, p: 1 }, wrappedDataKey: padding(100 * 1024) },
      ],
      ['/v1/owners/login', { email, authKey: padding(100 * 1024) }],
      ['/v1/rescue/requests', { phone: '+33612345678', code: padding(100 * 1024) }],
      ['/v1/rescue/restore', { phone: '+33612345678', code: '1234', control: padding(100 * 1024) }],
    ];
    for (const [url, json] of bodies) {
      const problem = expectProblem(await call(h, 'POST', url, { json }), 'BODY_TOO_LARGE', 413);
      assert.match(problem.detail, new RegExp(`larger than ${PUBLIC_BODY_LIMIT} bytes`), url);
    }
    assert.equal(await h.store.owners.findByEmail(email), undefined);
    assert.equal(await h.store.wrongTries.find(`login:${email}`), undefined, 'a refused body is not a wrong try');
  });

  it('a declared content-length over the limit is refused before the body is read', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/owners/prelogin',
      headers: { 'content-type': 'application/json', 'content-length': String(64 * 1024 * 1024) },
      payload: '{"email":"a@example.org"}',
    });
    expectProblem(res, 'BODY_TOO_LARGE', 413);
  });

  it('a public route cannot be declared with a larger limit: the auth hook caps it', async (t) => {
    const app: App = Fastify({ bodyLimit: 64 * 1024 * 1024 }).withTypeProvider();
    t.after(() => app.close());
    useZodSchemas(app);
    app.setErrorHandler(problemHandler('center'));
    useRouteAuth(app, { kinds: [], authenticate: async () => {} });
    app.post('/open', { config: { auth: 'public' }, bodyLimit: 10 * 1024 * 1024 }, async () => ({ ok: true }));
    const small = await app.inject({ method: 'POST', url: '/open', payload: { pad: padding(PUBLIC_BODY_LIMIT - 100) } });
    assert.equal(small.statusCode, 200, small.body);
    const big = await app.inject({ method: 'POST', url: '/open', payload: { pad: padding(PUBLIC_BODY_LIMIT) } });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json<{ code: string }>().code, 'BODY_TOO_LARGE');
  });
});
