/**
 * Lockouts hold under concurrency (issue 8 item 7): many guesses sent at
 * once, on one center over SQLite and split between two centers over one
 * PostgreSQL database, get at most `maxTries` evaluations (UNAUTHENTICATED);
 * all the others answer LOCKED, and the right secret sent once they have all
 * been answered is refused too. For rescue code numbers and owner logins,
 * registered or not.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pgDatabase } from '@phonesafe/testkit';
import { ManualClock } from '@phonesafe/protocol';
import type { LightMyRequestResponse } from 'fastify';
import { Lockout } from '../src/auth/lockout.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logging/logger.ts';
import { startCenter, type RunningCenter } from '../src/server.ts';
import { openStore } from '../src/center-store.ts';
import type { Store } from '../src/center-store.ts';
import { call, expectProblem, newOwner, startHarness, type Harness, type TestOwner } from './http-harness.ts';
import { remote } from './remote-harness.ts';
import { desk, enrollPhone, newPhone } from './rescue-fixtures.ts';

const GUESSES = 200;
const RESCUE_TRIES = 3;
const LOGIN_TRIES = 5;
const CODE = '73194628';

interface Centers {
  /** The requests go round these in turn. */
  apis: Harness[];
  store: Store;
}

/** How many answers had each status. */
function tally(answers: LightMyRequestResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of answers) counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
  return counts;
}

/** `GUESSES` wrong guesses all at once, spread over the centers; answers once every one is answered. */
function guessAll(centers: Centers, send: (api: Harness, i: number) => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse[]> {
  return Promise.all(Array.from({ length: GUESSES }, (_, i) => send(centers.apis[i % centers.apis.length]!, i)));
}

const wrongCode = (i: number) => String(10_000_000 + i);
const wrongKey = () => randomBytes(32).toString('base64');

function raceTests(open: () => Promise<Centers & { close(): Promise<void> }>): void {
  let centers: Centers & { close(): Promise<void> };
  let owner: TestOwner;
  before(async () => {
    centers = await open();
    owner = await newOwner(centers.apis[0]!);
  });
  after(async () => centers?.close());

  it('parallel wrong code numbers: at most maxTries evaluated, the rest LOCKED, then the right code is LOCKED; the owner told once', async () => {
    const phone = newPhone();
    await enrollPhone(centers.apis[0]!, owner, `racer-${phone.slice(1)}`, phone, CODE);
    const answers = await guessAll(centers, (api, i) => desk(api, 'status', { phone, code: wrongCode(i) }));
    assert.deepEqual(tally(answers), { 401: RESCUE_TRIES, 429: GUESSES - RESCUE_TRIES });
    expectProblem(await desk(centers.apis[1 % centers.apis.length]!, 'status', { phone, code: CODE }), 'LOCKED', 429);

    const trail = await centers.store.rescueAudit.list(owner.ownerId, phone);
    // The checks run side by side, so the lock may be recorded before the other wrong tries.
    assert.deepEqual(trail.map((row) => row.event).sort(), ['locked', ...Array<string>(RESCUE_TRIES).fill('wrong-code')]);
    const locks = (await centers.store.notices.list(owner.ownerId)).filter((n) => n.kind === 'rescue-locked' && n.message.includes(phone));
    assert.equal(locks.length, 1);
  });

  it('parallel guesses at an unregistered number: the same counts', async () => {
    const phone = newPhone();
    const answers = await guessAll(centers, (api, i) => desk(api, 'requests', { phone, code: wrongCode(i) }));
    assert.deepEqual(tally(answers), { 401: RESCUE_TRIES, 429: GUESSES - RESCUE_TRIES });
  });

  it('parallel wrong passwords: at most maxTries evaluated, the rest LOCKED, then the right one is LOCKED; the owner told once', async () => {
    const victim = await newOwner(centers.apis[0]!);
    const login = (api: Harness, authKey: string) => call(api, 'POST', '/v1/owners/login', { json: { email: victim.email, authKey } });
    const answers = await guessAll(centers, (api) => login(api, wrongKey()));
    assert.deepEqual(tally(answers), { 401: LOGIN_TRIES, 429: GUESSES - LOGIN_TRIES });
    expectProblem(await login(centers.apis[0]!, victim.authKey), 'LOCKED', 429);
    const locks = (await centers.store.notices.list(victim.ownerId)).filter((n) => n.kind === 'login-locked');
    assert.equal(locks.length, 1);

    const nobody = `nobody-${randomBytes(4).toString('hex')}@example.org`;
    const unknown = await guessAll(centers, (api) =>
      call(api, 'POST', '/v1/owners/login', { json: { email: nobody, authKey: wrongKey() } }),
    );
    assert.deepEqual(tally(unknown), { 401: LOGIN_TRIES, 429: GUESSES - LOGIN_TRIES });
  });
}

describe('lockouts under parallel guesses, one center on SQLite', () => {
  raceTests(async () => {
    const h = await startHarness({ tickMs: 0, rescueMaxTries: RESCUE_TRIES, loginMaxTries: LOGIN_TRIES });
    return { apis: [h], store: h.store, close: () => h.close() };
  });

  it('tries reserved side by side: a right one lifts the lock it set itself, not a lock another try set', async () => {
    const h = await startHarness({ tickMs: 0 });
    try {
      const lockout = new Lockout({ wrongTries: h.store.wrongTries, clock: h.clock, maxTries: 3, lockMs: 60_000 });
      const [first, second, third] = [await lockout.reserve('k:a'), await lockout.reserve('k:a'), await lockout.reserve('k:a')];
      assert.deepEqual([first.locked, second.locked, third.locked], [false, false, true]);
      await assert.rejects(lockout.reserve('k:a'), { code: 'LOCKED' });
      await lockout.succeeded(first);
      await assert.rejects(lockout.reserve('k:a'), { code: 'LOCKED' }, 'the third try locked it and was not right');

      const [one, two, locking] = [await lockout.reserve('k:b'), await lockout.reserve('k:b'), await lockout.reserve('k:b')];
      assert.deepEqual([one.locked, two.locked, locking.locked], [false, false, true]);
      await lockout.succeeded(locking);
      assert.equal(await h.store.wrongTries.find('k:b'), undefined, 'its own lock lifted, the wrong tries before it forgotten');
      assert.equal((await lockout.reserve('k:b')).locked, false);
    } finally {
      await h.close();
    }
  });
});

describe('lockouts under parallel guesses, two centers on one PostgreSQL database', () => {
  raceTests(async () => {
    const database = await pgDatabase();
    const clock = new ManualClock('2026-03-02T10:00:00.000Z');
    const dirs: string[] = [];
    const running: RunningCenter[] = [];
    for (let i = 0; i < 2; i++) {
      const data = await mkdtemp(join(tmpdir(), 'phonesafe-race-'));
      dirs.push(data);
      const overrides = {
        data,
        db: database.url,
        port: 0,
        tickMs: 0,
        centerSecret: 's'.repeat(40),
        logLevel: 'silent',
        rescueMaxTries: RESCUE_TRIES,
        loginMaxTries: LOGIN_TRIES,
      };
      const config = loadConfig(overrides, {});
      running.push(await startCenter(config, { clock, logger: createLogger(config) }));
    }
    const store = await openStore(database.url);
    return {
      apis: running.map((c) => remote(c.url)),
      store,
      close: async () => {
        for (const c of running) await c.close();
        await store.close();
        await database.drop();
        for (const dir of dirs) await rm(dir, { recursive: true, force: true });
      },
    };
  });
});
