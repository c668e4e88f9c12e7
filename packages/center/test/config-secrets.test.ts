/**
 * Secrets by construction (issue 9 item 5): every setting declared secret
 * (config/setting.ts) is masked by `--print-config` whatever its name, and
 * its value reaches neither the printed configuration nor the center's logs
 * over a whole handset flow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pgDatabase } from '@phonesafe/testkit';
import { loadConfig, printConfig, secretSettings, type ConfigOverrides } from '../src/config/config.ts';
import { call, expectStatus, startHarness, type Harness } from './http-harness.ts';
import { runFullHandsetFlow } from './http-flow-scenario.ts';

const MARKER = 'marker-7f3a9c1e5b2d';

/** A value for each declared secret that holds MARKER; a new secret fails the first test until it has one here. */
function secretValues(databaseUrl: string): Record<string, string> {
  const db = new URL(databaseUrl);
  db.password = MARKER;
  return { db: db.toString(), centerSecret: `${MARKER}-${'s'.repeat(32)}`, smtpPassword: MARKER };
}

describe('declared secrets', () => {
  let database: { url: string; drop: () => Promise<void> };
  let values: Record<string, string>;
  let h: Harness;
  before(async () => {
    database = await pgDatabase();
    values = secretValues(database.url);
    // PostgreSQL in the tests trusts local connections, so the marker password opens the database like any other.
    h = await startHarness(values as ConfigOverrides);
  });
  after(async () => {
    await h?.close();
    await database?.drop();
  });

  it('the test knows a marker value for every declared secret', () => {
    assert.deepEqual(secretSettings().sort(), Object.keys(values).sort());
  });

  it('--print-config shows none of them, and still shows the rest', () => {
    const config = loadConfig({ ...values, data: h.data } as ConfigOverrides, {});
    const printed = printConfig(config);
    assert.equal(printed.includes(MARKER), false, printed);
    const parsed = JSON.parse(printed) as Record<string, unknown>;
    for (const name of secretSettings()) assert.ok(name in parsed, `${name} is printed, masked`);
    assert.equal(parsed['data'], h.data);
  });

  it('the logs of a whole handset flow, with refusals and a failed login, hold none of them', async () => {
    await runFullHandsetFlow(h);
    // The center secret keys the fake prelogin; a wrong login and a refused credential are logged too.
    expectStatus(await call(h, 'POST', '/v1/owners/prelogin', { json: { email: 'nobody@example.org' } }), 200);
    const authKey = Buffer.alloc(32).toString('base64');
    expectStatus(await call(h, 'POST', '/v1/owners/login', { json: { email: 'nobody@example.org', authKey } }), 401);
    expectStatus(await call(h, 'GET', '/v1/backups', { bearer: 'h1.nobody00.' + 'x'.repeat(43) }), 401);
    assert.ok(h.logs.length > 10, 'the flow was logged');
    const leaked = h.logs.filter((line) => line.includes(MARKER));
    assert.deepEqual(leaked, []);
  });
});
