/**
 * The rescue desk end to end on one center (SQLite, in-process bus), with a
 * real WebSocket handset: request → rescue-save → save under a control
 * number → rescue-erase → erase report → restore to a replacement; the
 * unreachable handset (R5) and a save that breaks off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REVOKED } from '../src/channel/channel-registry.ts';
import { isControlNumber } from '@phonesafe/protocol';
import { settle, until } from '@phonesafe/testkit';
import { ChannelClient } from './channel-client.ts';
import {
  call,
  expectProblem,
  expectStatus,
  newOwner,
  putPart,
  randomChunk,
  runBackup,
  sealBackup,
  startHarness,
  type Harness,
  type TestOwner,
} from './http-harness.ts';
import { desk, enrollPhone, newPhone, rescueStatus, saveMemory } from './rescue-fixtures.ts';

describe('rescue desk: request, save, erase, restore', () => {
  let h: Harness;
  let url: string;
  let owner: TestOwner;
  before(async () => {
    h = await startHarness({ tickMs: 0 });
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    owner = await newOwner(h);
  });
  after(async () => h?.close());

  const notices = (kind: string) => h.store.notices.list(owner.ownerId).then((all) => all.filter((n) => n.kind === kind));

  it('connected handset: save under a Luhn control number, owner told, erase once, restore to a replacement', async () => {
    const phone = newPhone();
    const lost = await enrollPhone(h, owner, 'lost', phone, '24682468');
    const channel = await ChannelClient.connect(url, lost.credential);

    const asked = await desk(h, 'requests', { phone, code: '24682468' });
    expectStatus(asked, 202);
    const view = asked.json<{ reference: string; status: string; controlNumber: string | null }>();
    assert.equal(view.status, 'waiting-for-handset');
    assert.equal(view.controlNumber, null);
    const save = await channel.next('rescue-save');
    assert.equal(save.rescueId, view.reference);
    const attempted = await until(async () => (await rescueStatus(h, phone, '24682468')).rescues[0]?.lastAttemptAt, 'the attempt recorded');
    assert.equal(attempted, h.clock.now().toISOString());

    const backupId = await saveMemory(h, owner, lost, view.reference);
    const erase = await channel.next('rescue-erase');
    assert.deepEqual({ rescueId: erase.rescueId, backupId: erase.backupId }, { rescueId: view.reference, backupId });
    const saved = (await rescueStatus(h, phone, '24682468')).rescues[0];
    assert.equal(saved?.status, 'saved');
    assert.equal(saved?.files, 2);
    assert.match(saved?.controlNumber ?? '', /^\d{4}-\d{4}-\d{4}-\d{4}$/);
    assert.ok(isControlNumber(saved?.controlNumber ?? ''), 'the check digit is right');
    assert.notEqual(saved?.controlNumber?.replace(/-/g, ''), backupId);
    assert.equal(saved?.expiresAt, new Date(h.clock.now().getTime() + 30 * 24 * 3600_000).toISOString());
    const [savedNotice] = await notices('rescue-saved');
    assert.ok(!savedNotice?.message.includes(saved?.controlNumber ?? '?'), 'the notice does not carry the control number');
    assert.match(savedNotice?.message ?? '', /pc rescue-status/);

    const erasedPath = `/v1/rescue/${view.reference}/erased`;
    expectProblem(
      await call(h, 'POST', erasedPath, { bearer: lost.credential, json: { backupId: 'AAAAAAAAAAAAAAAAAAAAAA', erasedItems: 2 } }),
      'VALIDATION_FAILED',
      400,
    );
    expectProblem(await call(h, 'POST', erasedPath, { bearer: owner.token, json: { backupId, erasedItems: 2 } }), 'FORBIDDEN', 403);
    expectStatus(await call(h, 'POST', erasedPath, { bearer: lost.credential, json: { backupId, erasedItems: 2 } }), 204);
    // Once erased, the lost handset's credential is revoked: a finder reaches nothing through it.
    expectProblem(
      await call(h, 'POST', erasedPath, { bearer: lost.credential, json: { backupId, erasedItems: 2 } }),
      'CREDENTIAL_REVOKED',
      401,
    );
    expectProblem(await call(h, 'GET', '/v1/backups', { bearer: lost.credential }), 'CREDENTIAL_REVOKED', 401);
    expectProblem(await call(h, 'GET', `/v1/backups/${backupId}`, { bearer: lost.credential }), 'CREDENTIAL_REVOKED', 401);
    assert.equal((await notices('rescue-erased')).length, 1, 'the first report only');

    // Its open channel is told, then closed by the center; it cannot open one again.
    await channel.next('credential-revoked');
    assert.equal(await channel.closed, REVOKED);
    const refused = await ChannelClient.refusedUpgrade(url, `Bearer ${lost.credential}`);
    assert.deepEqual([refused.status, JSON.parse(refused.body).code], [401, 'CREDENTIAL_REVOKED']);

    h.clock.advance(60_000);
    const replacement = await enrollPhone(h, owner, 'replacement', phone);
    const restored = await desk(h, 'restore', { phone, code: '24682468', control: saved?.controlNumber });
    expectStatus(restored, 201);
    assert.deepEqual(restored.json(), {
      reference: view.reference,
      restoreId: restored.json().restoreId,
      handsetName: 'replacement',
      status: 'pending',
    });
    const pending = await call(h, 'GET', '/v1/restores/pending', { bearer: replacement.credential });
    const [order] = pending.json<{ restores: Array<{ restoreId: string; backupId: string; overwrite: string }> }>().restores;
    assert.deepEqual([order?.backupId, order?.overwrite], [backupId, 'ask']);
    const complete = await call(h, 'POST', `/v1/restores/${order?.restoreId}/complete`, {
      bearer: replacement.credential,
      json: { restored: 2, skipped: 0 },
    });
    expectStatus(complete, 200);

    const final = await rescueStatus(h, phone, '24682468');
    assert.equal(final.rescues[0]?.status, 'restored');
    assert.equal(final.rescues[0]?.erasedAt !== null, true);
    assert.deepEqual(
      final.audit.map((a) => a.event),
      ['requested', 'attempt', 'saved', 'attempt', 'erased', 'restore-requested', 'restored'],
    );
    assert.ok(final.audit.every((a) => a.reference === view.reference));

    // To a named handset of the same owner.
    const named = await desk(h, 'restore', { phone, code: '24682468', control: saved?.controlNumber, toHandset: 'lost' });
    expectStatus(named, 201);
    assert.equal(named.json().handsetName, 'lost');
    expectProblem(
      await desk(h, 'restore', { phone, code: '24682468', control: saved?.controlNumber, toHandset: 'nobody' }),
      'NOT_FOUND',
      404,
    );
  });

  it('unreachable handset waits (R5); the request repeats the open rescue; connect sends rescue-save', async () => {
    const phone = newPhone();
    const away = await enrollPhone(h, owner, 'away', phone, '11111111');
    const first = await desk(h, 'requests', { phone, code: '11111111' });
    expectStatus(first, 202);
    await settle();
    const waiting = (await rescueStatus(h, phone, '11111111')).rescues;
    assert.equal(waiting.length, 1);
    assert.deepEqual([waiting[0]?.status, waiting[0]?.lastAttemptAt], ['waiting-for-handset', null]);
    const second = await desk(h, 'requests', { phone, code: '11111111' });
    assert.equal(second.json().reference, first.json().reference, 'one open rescue per phone number');

    h.clock.advance(10 * 60_000);
    const channel = await ChannelClient.connect(url, away.credential);
    const save = await channel.next('rescue-save');
    assert.equal(save.rescueId, first.json().reference);
    const at = await until(async () => (await rescueStatus(h, phone, '11111111')).rescues[0]?.lastAttemptAt, 'the attempt');
    assert.equal(at, h.clock.now().toISOString());
    await channel.close();
  });

  it('a save that breaks off leaves the rescue saving, erases nothing, and is asked for again on reconnect', async () => {
    const phone = newPhone();
    const flaky = await enrollPhone(h, owner, 'flaky', phone, '22222222');
    const channel = await ChannelClient.connect(url, flaky.credential);
    const reference = (await desk(h, 'requests', { phone, code: '22222222' })).json<{ reference: string }>().reference;
    const save = await channel.next('rescue-save');

    const backup = sealBackup(owner.keys, flaky.handsetId, { 'contacts/all.vcf': [randomChunk(2000), randomChunk(2000)] });
    const started = await call(h, 'POST', '/v1/backups', {
      bearer: flaky.credential,
      json: { kinds: ['contacts'], trigger: 'rescue', rescueId: save.rescueId },
    });
    expectStatus(started, 201);
    expectStatus(await putPart(h, flaky.credential, backup.parts[0]!), 201);
    await channel.close();
    await settle();
    assert.equal((await rescueStatus(h, phone, '22222222')).rescues[0]?.status, 'saving');

    const back = await ChannelClient.connect(url, flaky.credential);
    const retry = await back.next('rescue-save');
    assert.equal(retry.rescueId, reference);
    assert.notEqual(retry.requestId, save.requestId, 'a fresh request id');
    assert.equal(back.of('rescue-erase').length, 0, 'nothing to erase before the save committed');
    await saveMemory(h, owner, flaky, reference);
    await back.next('rescue-erase');
    assert.equal((await rescueStatus(h, phone, '22222222')).rescues[0]?.status, 'saved');
    await back.close();
  });

  it("refuses a rescue save that is not this handset's, a foreign phone number, and a code for a number the owner lacks", async () => {
    const phone = newPhone();
    const mine = await enrollPhone(h, owner, 'mine', phone, '33333333');
    const other = await enrollPhone(h, owner, 'other', newPhone());
    const reference = (await desk(h, 'requests', { phone, code: '33333333' })).json<{ reference: string }>().reference;
    const backup = sealBackup(owner.keys, other.handsetId, { a: [randomChunk(100)] });
    await assert.rejects(runBackup(h, other.credential, backup, { trigger: 'rescue', rescueId: reference }), /NOT_FOUND/);
    await assert.rejects(runBackup(h, mine.credential, backup, { trigger: 'manual', rescueId: reference }), /VALIDATION_FAILED/);

    const stranger = await newOwner(h);
    expectProblem(await call(h, 'POST', '/v1/handsets', { bearer: stranger.token, json: { name: 'thief', phone } }), 'FORBIDDEN', 403);
    expectProblem(await call(h, 'PUT', '/v1/rescue/code', { bearer: stranger.token, json: { phone, code: '00000000' } }), 'NOT_FOUND', 404);
    expectProblem(
      await call(h, 'POST', '/v1/handsets', { bearer: owner.token, json: { name: 'codeonly', code: '12345678' } }),
      'VALIDATION_FAILED',
      400,
    );

    // The owner changes the code of a number with no rescue: the old one stops working.
    const spare = newPhone();
    await enrollPhone(h, owner, 'spare', spare, '33333333');
    expectStatus(await call(h, 'PUT', '/v1/rescue/code', { bearer: owner.token, json: { phone: spare, code: '99999999' } }), 204);
    expectProblem(await desk(h, 'status', { phone: spare, code: '33333333' }), 'UNAUTHENTICATED', 401);
    expectStatus(await desk(h, 'status', { phone: spare, code: '99999999' }), 200);
  });
});
