/**
 * A server built from server-kit alone, as the safes' server will be: a
 * toy route behind its own access kind, problem+json answers, a store
 * migrated by its own toy migration on SQLite and on PostgreSQL, and a
 * configuration whose secret is masked when printed. Nothing here comes from
 * the center.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import { pgDatabase } from '@phonesafe/testkit';
import type { Kysely } from 'kysely';
import type { MigrationProvider } from 'kysely/migration';
import { z } from 'zod';
import {
  ConfigSections,
  createServerApp,
  createServerLogger,
  engineFor,
  migrate,
  section,
  secret,
  setting,
  tablesOf,
  useRouteAuth,
  type Engine,
  type RouteAccess,
} from '../src/index.ts';

// The toy's access kind, merged into the kit's list (global to the program: useRouteAuth's `kinds` keeps it to this server at run time).
declare module '../src/index.ts' {
  interface RouteAccessKinds {
    'toy-member': true;
  }
}

interface ToyTables {
  notes: { id: string; body: string };
}

const toyMigrations: MigrationProvider = {
  getMigrations: async () => ({
    '0001-notes': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('notes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('body', 'text', (c) => c.notNull())
          .execute();
      },
    },
  }),
};

const toyConfig = new ConfigSections<{ port: number; memberKey: string }>('toy', [
  section(
    {
      port: setting('TOY_PORT', z.coerce.number().int().default(9999)),
      memberKey: secret(setting('TOY_MEMBER_KEY', z.string().min(8))),
    },
    (c) => ({ port: c.port, memberKey: c.memberKey }),
  ),
]);

async function toyServer(t: TestContext, engine: Engine) {
  await migrate(engine, toyMigrations);
  t.after(() => engine.db.destroy());
  const notes = tablesOf<ToyTables>(engine);
  await notes.insertInto('notes').values({ id: 'n1', body: 'hello' }).execute();
  const config = toyConfig.load({}, { TOY_MEMBER_KEY: 'member-key-1' });
  const app = createServerApp({ server: 'toy server', logger: createServerLogger({ level: 'silent', service: 'toy' }), bodyLimit: 1024 });
  t.after(() => app.close());
  useRouteAuth(app, {
    kinds: ['toy-member'],
    authenticate: async (request) => {
      if (request.headers.authorization !== `Bearer ${config.memberKey}`) throw new PhoneSafeError('UNAUTHENTICATED', 'not a member');
    },
  });
  app.get(
    '/notes/:id',
    {
      config: { auth: 'toy-member' },
      schema: { params: z.strictObject({ id: z.string() }), response: { 200: z.strictObject({ body: z.string() }) } },
    },
    async (req) => {
      const note = await notes.selectFrom('notes').select('body').where('id', '=', req.params.id).executeTakeFirst();
      if (!note) throw new PhoneSafeError('NOT_FOUND', `no note ${req.params.id}`);
      return note;
    },
  );
  app.get('/boom', { config: { auth: 'public' } }, async () => {
    throw new Error('a bug');
  });
  await app.ready();
  return { app, config };
}

async function exercise(t: TestContext, engine: Engine): Promise<void> {
  const { app, config } = await toyServer(t, engine);
  const member = { authorization: `Bearer ${config.memberKey}` };
  const ok = await app.inject({ method: 'GET', url: '/notes/n1', headers: member });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { body: 'hello' });
  const missing = await app.inject({ method: 'GET', url: '/notes/n2', headers: member });
  assert.equal(missing.statusCode, 404);
  assert.match(String(missing.headers['content-type']), /^application\/problem\+json/);
  assert.equal(missing.json<{ code: string }>().code, 'NOT_FOUND');
  assert.equal((await app.inject({ method: 'GET', url: '/notes/n1' })).json<{ code: string }>().code, 'UNAUTHENTICATED');
  const bug = (await app.inject({ method: 'GET', url: '/boom' })).json<{ code: string; detail: string }>();
  assert.deepEqual([bug.code, bug.detail], ['INTERNAL', 'the toy server failed to handle the request; it has been logged']);
}

describe('a toy server from server-kit alone', () => {
  it('serves its route with auth and problem+json over a migrated SQLite store', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'phonesafe-kit-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await exercise(t, engineFor(`sqlite:${join(dir, 'toy.db')}`));
  });

  it('serves the same over a migrated PostgreSQL store', async (t) => {
    const database = await pgDatabase(t);
    await exercise(t, engineFor(database.url));
  });

  it('masks its declared secret when the configuration is printed', () => {
    const printed = toyConfig.print(toyConfig.load({ port: 1 }, { TOY_MEMBER_KEY: 'member-key-1' }));
    assert.deepEqual(JSON.parse(printed), { port: 1, memberKey: '***' });
    assert.deepEqual(toyConfig.secrets(), ['memberKey']);
    assert.throws(() => toyConfig.load({}, {}), /invalid toy configuration: memberKey \(TOY_MEMBER_KEY\)/);
  });

  it('refuses at start-up a route without access, or with an access kind the server does not serve', async (t) => {
    // Another server's kind, as the merged list may hold it at compile time.
    const foreign = 'elsewhere' as RouteAccess;
    for (const auth of [undefined, foreign]) {
      const app = createServerApp({ server: 'toy', logger: createServerLogger({ level: 'silent', service: 'toy' }), bodyLimit: 1024 });
      t.after(() => app.close());
      useRouteAuth(app, { kinds: ['toy-member'], authenticate: async () => {} });
      assert.throws(() => app.get('/x', { config: auth === undefined ? {} : { auth } }, async () => ({})), /config\.auth/);
    }
  });
});
