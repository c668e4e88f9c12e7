/**
 * The rescue across centers (PostgreSQL, LISTEN/NOTIFY): a request made on
 * one center reaches the handset held by another; the center restarts
 * between the save and the erase, and the erase still happens exactly once
 * when the handset reconnects, with the saved data still restorable.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pgDatabase, settle, until } from '@phonesafe/testkit';
import { ManualClock } from '@phonesafe/protocol';
import { REVOKED } from '../src/channel/channel-registry.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logging/logger.ts';
import { startCenter, type RunningCenter } from '../src/server.ts';
import { openStore } from '../src/center-store.ts';
import type { Store } from '../src/center-store.ts';
import { ChannelClient } from './channel-client.ts';
import { call, expectProblem, expectStatus, newOwner, type TestOwner } from './http-harness.ts';
import { remote } from './remote-harness.ts';
import { desk, enrollPhone, newPhone, rescueStatus, saveMemory } from './rescue-fixtures.ts';

describe('rescue across centers and a restart', () => {
  let database: { url: string; drop(): Promise<void> };
  const clock = new ManualClock('2026-03-02T10:00:00.000Z');
  const dirs: string[] = [];
  const centers: RunningCenter[] = [];
  let store: Store;
  let owner: TestOwner;

  async function center(): Promise<RunningCenter> {
    const data = await mkdtemp(join(tmpdir(), 'phonesafe-rescue-'));
    dirs.push(data);
    const config = loadConfig({ data, db: database.url, port: 0, tickMs: 0, centerSecret: 's'.repeat(40), logLevel: 'silent' }, {});
    const running = await startCenter(config, { clock, logger: createLogger(config) });
    centers.push(running);
    return running;
  }

  before(async () => {
    database = await pgDatabase();
    store = await openStore(database.url);
  });
  after(async () => {
    for (const c of centers) await c.close().catch(() => {});
    await store?.close();
    await database?.drop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('request on center 2 reaches the handset on center 1; restart between save and erase; erase once; restore', async () => {
    const one = await center();
    const two = await center();
    const api1 = remote(one.url);
    const api2 = remote(two.url);
    owner = await newOwner(api1);
    const phone = newPhone();
    const lost = await enrollPhone(api1, owner, 'lost', phone, '25802580');
    const channel = await ChannelClient.connect(one.url, lost.credential);

    const asked = await desk(api2, 'requests', { phone, code: '25802580' });
    expectStatus(asked, 202);
    const reference = asked.json<{ reference: string }>().reference;
    const save = await channel.next('rescue-save');
    assert.equal(save.rescueId, reference);
    await until(async () => (await store.rescues.find(reference))?.lastAttemptAt, 'the attempt recorded by center 1');
    await settle();
    assert.equal(
      (await store.rescueAudit.list(owner.ownerId, phone)).filter((a) => a.event === 'attempt').length,
      1,
      'one attempt, by the center holding the socket',
    );

    // The handset saves, then loses its channel before the erase request; center 1 then stops.
    await channel.close();
    const backupId = await saveMemory(api1, owner, lost, reference);
    assert.equal((await store.rescues.find(reference))?.status, 'saved');
    await one.close();

    const three = await center();
    const back = await ChannelClient.connect(three.url, lost.credential);
    const erase = await back.next('rescue-erase');
    assert.deepEqual([erase.rescueId, erase.backupId], [reference, backupId]);
    const api3 = remote(three.url);
    // Reported to center 2: center 3, which holds the channel, hears of the revocation over the bus and closes it.
    expectStatus(
      await call(api2, 'POST', `/v1/rescue/${reference}/erased`, { bearer: lost.credential, json: { backupId, erasedItems: 2 } }),
      204,
    );
    await back.next('credential-revoked');
    assert.equal(await back.closed, REVOKED);
    // The erase revoked the lost handset's credential: a second report, or a new channel, is refused.
    expectProblem(
      await call(api3, 'POST', `/v1/rescue/${reference}/erased`, { bearer: lost.credential, json: { backupId, erasedItems: 2 } }),
      'CREDENTIAL_REVOKED',
      401,
    );
    await assert.rejects(ChannelClient.connect(three.url, lost.credential));

    const status = await rescueStatus(api2, phone, '25802580');
    assert.equal(status.rescues[0]?.status, 'erased');
    assert.equal(status.audit.filter((a) => a.event === 'erased').length, 1, 'the erase recorded once');
    assert.equal((await store.notices.list(owner.ownerId)).filter((n) => n.kind === 'rescue-erased').length, 1);
    const restored = await desk(api2, 'restore', { phone, code: '25802580', control: status.rescues[0]?.controlNumber });
    expectStatus(restored, 201);
    assert.equal(restored.json().handsetName, 'lost');
  });
});
