/**
 * Issue 8 item 8 on PostgreSQL with two centers: the owner revokes a handset
 * through one center while the handset holds its channel on the other. The
 * other center closes the socket at once (the push bus carries the notice)
 * and refuses the credential, as the first one does.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pgDatabase } from '@phonesafe/testkit';
import { ManualClock } from '@phonesafe/protocol';
import { REVOKED } from '../src/channel/channel-registry.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logging/logger.ts';
import { startCenter, type RunningCenter } from '../src/server.ts';
import { ChannelClient } from './channel-client.ts';
import { call, enroll, expectProblem, expectStatus, newOwner } from './http-harness.ts';
import { remote } from './remote-harness.ts';

describe('revoking a handset connected to another center (PostgreSQL)', () => {
  let database: { url: string; drop(): Promise<void> };
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const dirs: string[] = [];
  const centers: RunningCenter[] = [];

  async function center(): Promise<RunningCenter> {
    const data = await mkdtemp(join(tmpdir(), 'phonesafe-revoke-'));
    dirs.push(data);
    const config = loadConfig({ data, db: database.url, port: 0, tickMs: 0, centerSecret: 's'.repeat(40), logLevel: 'silent' }, {});
    const running = await startCenter(config, { clock, logger: createLogger(config) });
    centers.push(running);
    return running;
  }

  before(async () => {
    database = await pgDatabase();
  });
  after(async () => {
    for (const running of centers) await running.close();
    await database?.drop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('the socket on the other center is told and closed; both centers refuse the credential', async () => {
    const [one, two] = [await center(), await center()];
    const [api1, api2] = [remote(one.url), remote(two.url)];
    const owner = await newOwner(api1);
    const lost = await enroll(api1, owner, 'lost');
    const channel = await ChannelClient.connect(two.url, lost.credential);

    expectStatus(await call(api1, 'POST', '/v1/handsets/lost/revoke', { bearer: owner.token }), 204);
    await channel.next('credential-revoked', 0, 10_000);
    assert.equal(await channel.closed, REVOKED);
    for (const api of [api1, api2])
      expectProblem(await call(api, 'GET', '/v1/backups', { bearer: lost.credential }), 'CREDENTIAL_REVOKED', 401);
    const upgrade = await ChannelClient.refusedUpgrade(two.url, `Bearer ${lost.credential}`);
    assert.deepEqual([upgrade.status, JSON.parse(upgrade.body).code], [401, 'CREDENTIAL_REVOKED']);
  });
});
