/**
 * R4 and R5 on a ManualClock, through the scheduler tick: a warning 3 days
 * before the saved data expires, expiry that deletes the backup and makes the
 * control number answer CONTROL_EXPIRED, and a rescue that gives up when the
 * handset never connects within the window.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  expectProblem,
  expectStatus,
  newOwner,
  randomChunk,
  runBackup,
  sealBackup,
  startHarness,
  type Harness,
  type TestOwner,
} from './http-harness.ts';
import { desk, enrollPhone, newPhone, relogin, rescueStatus, saveMemory } from './rescue-fixtures.ts';

const DAY = 24 * 3600_000;

describe('rescue retention and window', () => {
  let h: Harness;
  let owner: TestOwner;
  before(async () => {
    h = await startHarness({ tickMs: 0 });
    owner = await newOwner(h);
  });
  after(async () => h?.close());

  const kinds = async () => (await h.store.notices.list(owner.ownerId)).map((n) => n.kind);

  it('warns at expiry - 3 days, erases at expiry, then the control number is CONTROL_EXPIRED', async () => {
    const phone = newPhone();
    const lost = await enrollPhone(h, owner, 'kept', phone, '43214321');
    const reference = (await desk(h, 'requests', { phone, code: '43214321' })).json<{ reference: string }>().reference;
    const backupId = await saveMemory(h, owner, lost, reference);
    const saved = (await rescueStatus(h, phone, '43214321')).rescues[0];
    const expiresAt = Date.parse(saved?.expiresAt ?? '');
    assert.equal(expiresAt, h.clock.now().getTime() + 30 * DAY);

    h.clock.set(new Date(expiresAt - 3 * DAY - 1000));
    await h.scheduler.tick();
    assert.ok(!(await kinds()).includes('rescue-expiring'), 'not yet');
    h.clock.advance(1000);
    assert.equal((await h.scheduler.tick()).rescues, 1);
    await h.scheduler.tick();
    assert.equal((await kinds()).filter((k) => k === 'rescue-expiring').length, 1, 'warned once');
    expectStatus(await desk(h, 'restore', { phone, code: '43214321', control: saved?.controlNumber }), 201);

    h.clock.set(new Date(expiresAt - 1));
    await h.scheduler.tick();
    assert.ok(await h.store.backups.find(owner.ownerId, backupId), 'kept until expiry');
    h.clock.set(new Date(expiresAt));
    await h.scheduler.tick();
    assert.equal(await h.store.backups.find(owner.ownerId, backupId), undefined, 'the saved data is erased');
    assert.equal((await kinds()).filter((k) => k === 'rescue-expired').length, 1);
    const history = await h.store.history.list(owner.ownerId);
    assert.ok(history.some((e) => e.backupId === backupId && e.event === 'backup-deleted'));

    expectProblem(await desk(h, 'restore', { phone, code: '43214321', control: saved?.controlNumber }), 'CONTROL_EXPIRED', 410);
    const status = await rescueStatus(h, phone, '43214321');
    assert.equal(status.rescues[0]?.status, 'expired');
    const events = status.audit.map((a) => a.event);
    assert.ok(events.includes('expiry-warning') && events.includes('expired'), events.join());
  });

  it('the owner retention policy never forgets a rescue save', async () => {
    const strict = await startHarness({ tickMs: 0, keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 });
    try {
      const o = await newOwner(strict);
      const phone = newPhone();
      const handset = await enrollPhone(strict, o, 'policy', phone, '55555555');
      const reference = (await desk(strict, 'requests', { phone, code: '55555555' })).json<{ reference: string }>().reference;
      const rescueBackup = await saveMemory(strict, o, handset, reference);
      strict.clock.advance(60_000);
      // Two ordinary backups after it: keepLast 1 keeps the newest ordinary one and leaves the rescue save alone.
      for (let i = 0; i < 2; i++) {
        await runBackup(strict, handset.credential, sealBackup(o.keys, handset.handsetId, { [`f${i}`]: [randomChunk(100)] }));
        strict.clock.advance(60_000);
      }
      assert.ok(await strict.store.backups.find(o.ownerId, rescueBackup), 'the rescue save is still there');
    } finally {
      await strict.close();
    }
  });

  it('gives up after the window when the handset never connects (R5), and tells the owner', async () => {
    const phone = newPhone();
    await relogin(h, owner);
    await enrollPhone(h, owner, 'gone', phone, '86428642');
    h.clock.advance(60_000);
    const requestedAt = h.clock.now().getTime();
    expectStatus(await desk(h, 'requests', { phone, code: '86428642' }), 202);
    h.clock.set(new Date(requestedAt + 365 * DAY - 1));
    await h.scheduler.tick();
    assert.equal((await rescueStatus(h, phone, '86428642')).rescues[0]?.status, 'waiting-for-handset');
    h.clock.set(new Date(requestedAt + 365 * DAY));
    await h.scheduler.tick();
    const status = await rescueStatus(h, phone, '86428642');
    assert.equal(status.rescues[0]?.status, 'gave-up');
    assert.equal(status.audit.at(-1)?.event, 'gave-up');
    assert.match(status.audit.at(-1)?.detail ?? '', /never connected/);
    assert.ok((await kinds()).includes('rescue-gave-up'));
  });
});
