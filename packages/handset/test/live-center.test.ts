/**
 * Issue 3 against a real center on loopback: the schedule registered at
 * enrolment, the center's scheduler reaching the run loop (NG while busy, the
 * retry answered OK, the backup committed under the job), the B4 triggers
 * (size, power-on) and the over-quota NG with its notice.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { ConfigOverrides } from '@phonesafe/center';
import { ManualClock, ScheduleView } from '@phonesafe/protocol';
import { EventLog } from './events.ts';
import { OWNER_EMAIL, OWNER_PASSWORD, sqliteRows, until } from '@phonesafe/testkit';
import { centerWorld, type CenterWorld } from './center-world.ts';

/** Thursday; the default schedule is Sundays 03:00 UTC. */
const START = '2026-01-01T00:00:00.000Z';

interface Live extends CenterWorld {
  clock: ManualClock;
}

async function live(t: TestContext, overrides: ConfigOverrides = {}): Promise<Live> {
  const clock = new ManualClock(START);
  // tickMs 0: the test ticks the scheduler itself, after moving the shared clock.
  const w = await centerWorld(t, { label: 'live', clock, center: { tickMs: 0, ...overrides } });
  return {
    ...w,
    clock,
    async handset(name) {
      const agent = await w.handset(name, { enroll: false });
      const enrolled = await agent.enroll({ center: w.url, owner: OWNER_EMAIL, password: OWNER_PASSWORD, name });
      assert.equal(enrolled.schedule.registered, true, 'the schedule is registered at enrolment');
      return agent;
    },
  };
}

/** Polls the center's own database (a second connection, as `center verify` makes) until the job holds one NG. */
async function recordedNg(root: string, handsetId: string): Promise<void> {
  const ngRecorded = () => {
    const [job] = sqliteRows<{ reasons: string }>(
      join(root, 'center', 'center.db'),
      'SELECT reasons FROM jobs WHERE handset_id = ? ORDER BY created_at, id',
      handsetId,
    );
    return job !== undefined && (JSON.parse(job.reasons) as unknown[]).length > 0;
  };
  await until(ngRecorded, 'the center to record the NG', 20_000);
}

test('the center schedules a backup; NG while the owner operates the handset, OK on the retry, committed under the job', async (t) => {
  const w = await live(t);
  const phone = await w.handset('phone-1');
  await phone.importTree(
    await w.tree({ 'contacts/alice.vcf': 'BEGIN:VCARD\nFN:Alice\nEND:VCARD\n', 'media/big.jpg': randomBytes(200_000) }),
  );
  const owner = await w.owner();
  const view = await owner.http.json(ScheduleView, { method: 'GET', path: '/v1/handsets/phone-1/schedule' });
  assert.deepEqual(view.schedule, { every: 'week', weekday: 0, at: '03:00' });
  assert.equal(view.nextRunAt, '2026-01-04T03:00:00.000Z');

  const events = new EventLog();
  const controller = new AbortController();
  const loop = phone.run({ signal: controller.signal, onEvent: events.sink, reconnect: { initialMs: 20, maxMs: 100 } });
  t.after(async () => {
    controller.abort();
    await loop;
  });
  await events.next('connected');

  w.clock.set('2026-01-04T03:00:00.000Z');
  phone.setBusy(5 * 60_000);
  await w.center.scheduler.tick();
  const first = await events.next('answered');
  assert.deepEqual([first.answer, first.reason], ['NG', 'operating']);
  // 'answered' is emitted as the frame leaves: wait until the center has recorded the NG
  // before moving the clock past the answer deadline (else it would count as no answer).
  await recordedNg(w.root, phone.status().handsetId!);

  // The retry comes after the center's interval (10 minutes by default); the owner is done by then.
  w.clock.advance(10 * 60_000);
  await w.center.scheduler.tick();
  const request = await events.next('request');
  const retry = await events.next('request');
  assert.deepEqual([request.jobId, retry.jobId, retry.attempt], [first.jobId, first.jobId, 2]);
  assert.equal((await events.next('answered')).answer, 'OK');
  const done = await events.next('backup-done');
  assert.deepEqual(
    [done.jobId, done.result.jobId, done.result.trigger, done.result.kinds, done.result.files],
    [first.jobId, first.jobId, 'schedule', ['contacts'], 1],
  );

  // The owner's token lasts an hour of the shared clock, which has moved days: log in again.
  const [backup] = await (await w.owner()).listBackups('phone-1');
  assert.deepEqual([backup?.backupId, backup?.trigger], [done.result.backupId, 'schedule']);
  assert.equal(phone.status().pendingVersions, 1, "the media item is no target: it waits for the owner's own backup");
});

test('B4 size trigger: a save that takes the waiting target copies past the threshold backs them up', async (t) => {
  const w = await live(t);
  const phone = await w.handset('phone-1');
  await phone.setSetting('triggers.sizeThresholdBytes', '50K');
  const small = await phone.importTree(await w.tree({ 'contacts/a.vcf': 'A'.repeat(1000), 'media/huge.jpg': randomBytes(300_000) }));
  assert.equal(small.sizeBackup, undefined, 'non-target copies do not count towards the threshold');

  const big = await phone.importTree(await w.tree({ 'contacts/b.vcf': randomBytes(80_000).toString('base64') }));
  assert.ok(big.sizeBackup?.ok, JSON.stringify(big.sizeBackup));
  assert.equal(big.sizeBackup.trigger, 'size');
  assert.deepEqual([big.sizeBackup.result.kinds, big.sizeBackup.result.files], [['contacts'], 2]);
  const [listed] = await (await w.owner()).listBackups('phone-1');
  assert.equal(listed?.trigger, 'size');
});

test('B4 power-on trigger, and the center NG over quota surfaces as a result and a notice', async (t) => {
  const w = await live(t, { quotaBytes: 100_000 });
  const phone = await w.handset('phone-1');
  await phone.importTree(await w.tree({ 'contacts/a.vcf': 'A' }));
  assert.equal(await phone.powerOn(), undefined, 'the power-on trigger is off by default');

  await phone.setSetting('triggers.powerOn', 'true');
  const first = await phone.powerOn();
  assert.ok(first?.ok, JSON.stringify(first));
  assert.equal(first.result.trigger, 'power-on');

  // Its parts would take the stored bytes past the quota: the center refuses them.
  await phone.importTree(await w.tree({ 'contacts/b.vcf': randomBytes(150_000).toString('hex') }));
  const refused = await phone.powerOn();
  assert.deepEqual(refused && !refused.ok && [refused.trigger, refused.code], ['power-on', 'QUOTA_EXCEEDED']);
  const notices = await phone.notices();
  assert.ok(
    notices.some((n) => n.kind === 'over-quota' && n.handsetName === 'phone-1'),
    JSON.stringify(notices),
  );
});

test('a schedule changed on the handset is registered at the center', async (t) => {
  const w = await live(t);
  const phone = await w.handset('phone-1');
  const update = await phone.setSetting('triggers.schedule', 'daily@04:30');
  assert.deepEqual(update.schedule, { registered: true, schedule: { every: 'day', at: '04:30' }, nextRunAt: '2026-01-01T04:30:00.000Z' });
  const none = await phone.setSetting('triggers.schedule', 'none');
  assert.deepEqual(none.schedule, { registered: true, schedule: null, nextRunAt: null });
});
