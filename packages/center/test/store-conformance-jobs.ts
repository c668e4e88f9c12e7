/** The schedule, job and notice part of the Store contract (live-channel.md). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RetryPolicy } from '@phonesafe/protocol';
import { handsetRevocation } from '../src/handsets/handset-revocation.ts';
import { newJob } from '../src/schedules/job-rules.ts';
import { clearScheduleOnRevoke } from '../src/schedules/schedule-revocation.ts';
import type { HandsetRow } from '../src/handsets/handset-repo.ts';
import type { JobRow } from '../src/schedules/job-repo.ts';
import type { ScheduleRow } from '../src/schedules/schedule-repo.ts';
import type { Store } from '../src/center-store.ts';
import { at, handsetRow, seedOwner, uid } from './store-fixtures.ts';

const RETRY: RetryPolicy = { intervalSeconds: 600, answerTimeoutSeconds: 60, maxTries: 3 };
/** Suites share a database: take every due row, then look only at this test's own. */
const ALL = 10_000;

export function scheduleRow(handset: HandsetRow, overrides: Partial<ScheduleRow> = {}): ScheduleRow {
  return {
    handsetId: handset.id,
    ownerId: handset.ownerId,
    spec: { every: 'day', at: '10:00' },
    retry: {},
    nextRunAt: at(10),
    updatedAt: at(1),
    ...overrides,
  };
}

/** Materialises every schedule due at `now`; answers the jobs made for `handsets`. */
export async function materialise(store: Store, now: string, handsets: HandsetRow[], nextRunAt: string | null = null): Promise<JobRow[]> {
  const made = await store.schedules.materialiseDue(now, ALL, (schedule) => ({
    job: newJob({ id: uid('job'), ownerId: schedule.ownerId, handsetId: schedule.handsetId, retry: RETRY, now: new Date(now) }),
    nextRunAt,
  }));
  const ids = new Set(handsets.map((h) => h.id));
  return made.filter((job) => ids.has(job.handsetId));
}

/** A handset with a pending job due at minute 10. */
export async function pendingJob(store: Store, handset?: HandsetRow): Promise<{ handset: HandsetRow; job: JobRow }> {
  const h = handset ?? (await seedOwner(store)).handset;
  await store.schedules.put(scheduleRow(h));
  const [job] = await materialise(store, at(10), [h]);
  assert.ok(job, 'a job was made');
  return { handset: h, job };
}

export function registerJobConformance(getStore: () => Store): void {
  describe('handset revocation', () => {
    test('revoke: first time only, schedule cleared and active job cancelled in the same step; finished jobs stay', async () => {
      const store = getStore();
      const { handset, job } = await pendingJob(store);
      const done = await store.jobs.transition({ id: job.id, status: 'pending' }, { status: 'done', updatedAt: at(11) });
      assert.equal(done?.status, 'done');
      await store.schedules.put(scheduleRow(handset, { nextRunAt: at(20) }));
      const [active] = await materialise(store, at(20), [handset], at(40));
      assert.ok(active);

      // The revocation as the center composes it (app.ts): the handset row, then the schedules' hook, in one transaction.
      const revocation = handsetRevocation(store.transaction, [clearScheduleOnRevoke]);
      assert.equal(await revocation.revoke(handset.id, at(21)), true);
      assert.equal(await revocation.revoke(handset.id, at(22)), false);
      assert.equal((await store.handsets.findById(handset.id))?.revokedAt, at(21));
      assert.deepEqual(
        (await store.jobs.listByHandset(handset.id)).map((j) => [j.id, j.status]),
        [
          [job.id, 'done'],
          [active.id, 'cancelled'],
        ],
      );
      assert.equal(await store.jobs.findActive(handset.id), undefined);
      const schedule = await store.schedules.find(handset.id);
      assert.deepEqual([schedule?.spec, schedule?.nextRunAt], [null, null]);
    });

    test('materialiseDue skips the schedules of revoked handsets', async () => {
      const store = getStore();
      const { owner, handset } = await seedOwner(store);
      const other = handsetRow(owner.id);
      await store.handsets.create(other);
      await store.handsets.revoke(handset.id, at(5));
      // A schedule written after the revocation (a race with it): still never run.
      await store.schedules.put(scheduleRow(handset));
      await store.schedules.put(scheduleRow(other));
      assert.deepEqual(
        (await materialise(store, at(10), [handset, other])).map((j) => j.handsetId),
        [other.id],
      );
    });
  });

  describe('schedules', () => {
    test('put inserts then replaces; find answers undefined for a handset without one', async () => {
      const store = getStore();
      const { handset } = await seedOwner(store);
      assert.equal(await store.schedules.find(handset.id), undefined);
      const first = scheduleRow(handset, { retry: { maxTries: 2 } });
      await store.schedules.put(first);
      assert.deepEqual(await store.schedules.find(handset.id), first);
      const second = scheduleRow(handset, { spec: { every: 'week', weekday: 2, at: '01:00' }, nextRunAt: null, updatedAt: at(2) });
      await store.schedules.put(second);
      assert.deepEqual(await store.schedules.find(handset.id), second);
    });

    test('materialiseDue makes one job per due schedule and moves next_run_at', async () => {
      const store = getStore();
      const { owner, handset } = await seedOwner(store);
      const later = handsetRow(owner.id);
      await store.handsets.create(later);
      await store.schedules.put(scheduleRow(handset, { nextRunAt: at(10) }));
      await store.schedules.put(scheduleRow(later, { nextRunAt: at(11) }));
      const made = await materialise(store, at(10), [handset, later], at(100));
      assert.deepEqual(
        made.map((job) => [job.handsetId, job.status, job.attempt]),
        [[handset.id, 'pending', 1]],
      );
      assert.deepEqual(await store.jobs.find(made[0]!.id), made[0]);
      assert.equal((await store.schedules.find(handset.id))?.nextRunAt, at(100));
      assert.equal((await store.schedules.find(later.id))?.nextRunAt, at(11));
      assert.deepEqual(await materialise(store, at(10), [handset, later]), [], 'nothing is due any more');
    });

    test('a handset with an active job gets no second one, but its next run still moves', async () => {
      const store = getStore();
      const { handset, job } = await pendingJob(store);
      await store.schedules.put(scheduleRow(handset, { nextRunAt: at(20) }));
      assert.deepEqual(await materialise(store, at(20), [handset], at(200)), []);
      assert.equal((await store.schedules.find(handset.id))?.nextRunAt, at(200));
      assert.deepEqual(
        (await store.jobs.listByHandset(handset.id)).map((j) => j.id),
        [job.id],
      );
    });

    test('clearIfSpec clears only the spec it was given', async () => {
      const store = getStore();
      const { handset } = await seedOwner(store);
      const once = scheduleRow(handset, { spec: { every: 'once', on: at(30) }, nextRunAt: null });
      await store.schedules.put(once);
      assert.equal(await store.schedules.clearIfSpec(handset.id, { every: 'once', on: at(31) }, at(40)), false);
      assert.deepEqual(await store.schedules.find(handset.id), once);
      assert.equal(await store.schedules.clearIfSpec(handset.id, { every: 'once', on: at(30) }, at(40)), true);
      assert.deepEqual(await store.schedules.find(handset.id), { ...once, spec: null, updatedAt: at(40) });
    });
  });

  describe('jobs', () => {
    test('transition is conditional on id, status and request id', async () => {
      const store = getStore();
      const { job } = await pendingJob(store);
      const ask = { status: 'requested' as const, requestId: uid('req'), answerBy: at(11), updatedAt: at(10) };
      assert.equal(await store.jobs.transition({ id: job.id, status: 'running' }, ask), undefined, 'wrong status');
      assert.equal(
        await store.jobs.transition({ id: job.id, status: 'pending', requestId: 'someone-else' }, ask),
        undefined,
        'wrong request id',
      );
      assert.deepEqual(await store.jobs.find(job.id), job, 'a refused transition changes nothing');
      const asked = await store.jobs.transition({ id: job.id, status: 'pending', requestId: null }, ask);
      assert.deepEqual(asked, { ...job, ...ask });
      const ok = { status: 'running' as const, runDeadline: at(40), updatedAt: at(10) };
      assert.equal(
        await store.jobs.transition({ id: job.id, status: 'requested', requestId: uid('req') }, ok),
        undefined,
        'forged request id',
      );
      assert.deepEqual(await store.jobs.transition({ id: job.id, status: 'requested', requestId: ask.requestId }, ok), { ...asked, ...ok });
      assert.equal(await store.jobs.transition({ id: job.id, status: 'requested', requestId: ask.requestId }, ok), undefined, 'replayed');
      const finished = await store.jobs.transition(
        { id: job.id, status: 'running' },
        { status: 'done', backupId: 'b-1', reasons: ['operating'], updatedAt: at(12) },
      );
      assert.deepEqual(finished?.reasons, ['operating']);
      assert.equal(finished?.backupId, 'b-1');
    });

    test('finders: by request (scoped to the handset), by backup, the active one, all of a handset', async () => {
      const store = getStore();
      const { handset, job } = await pendingJob(store);
      const other = await pendingJob(store);
      const requestId = uid('req');
      await store.jobs.transition(
        { id: job.id, status: 'pending' },
        { status: 'requested', requestId, answerBy: at(11), updatedAt: at(10) },
      );
      assert.equal((await store.jobs.findByRequest(handset.id, requestId))?.id, job.id);
      assert.equal(await store.jobs.findByRequest(other.handset.id, requestId), undefined);
      assert.equal((await store.jobs.findActive(handset.id))?.id, job.id);
      await store.jobs.transition({ id: job.id, status: 'requested' }, { status: 'gave-up', backupId: 'b-2', updatedAt: at(12) });
      assert.equal(await store.jobs.findActive(handset.id), undefined);
      assert.equal((await store.jobs.findByBackup('b-2'))?.id, job.id);
      assert.deepEqual(
        (await store.jobs.listByHandset(handset.id)).map((j) => j.status),
        ['gave-up'],
      );
    });

    test('takeDue picks each step’s rows by status and time, and applies the decision', async () => {
      const store = getStore();
      const due = await pendingJob(store);
      const asked = await pendingJob(store);
      const run = await pendingJob(store);
      await store.jobs.transition(
        { id: asked.job.id, status: 'pending' },
        { status: 'requested', requestId: uid('r'), answerBy: at(12), updatedAt: at(10) },
      );
      await store.jobs.transition(
        { id: run.job.id, status: 'pending' },
        { status: 'running', requestId: uid('r'), runDeadline: at(14), updatedAt: at(10) },
      );
      const mine = (rows: Array<{ after: JobRow }>, job: JobRow) => rows.filter((r) => r.after.id === job.id).map((r) => r.after.status);

      const early = await store.jobs.takeDue('answer-overdue', at(11), ALL, () => ({ status: 'pending', updatedAt: at(11) }));
      assert.deepEqual(mine(early, asked.job), [], 'not yet past answer_by');
      const overdue = await store.jobs.takeDue('answer-overdue', at(12), ALL, () => ({
        status: 'pending',
        dueAt: at(50),
        updatedAt: at(12),
      }));
      assert.deepEqual(mine(overdue, asked.job), ['pending']);
      const runOver = await store.jobs.takeDue('run-overdue', at(14), ALL, () => ({ status: 'gave-up', updatedAt: at(14) }));
      assert.deepEqual(mine(runOver, run.job), ['gave-up']);
      const claimed = await store.jobs.takeDue('due', at(14), ALL, (job) => ({
        status: 'requested',
        requestId: `req-${job.id}`,
        updatedAt: at(14),
      }));
      assert.deepEqual(mine(claimed, due.job), ['requested']);
      assert.deepEqual(mine(claimed, asked.job), [], 'due only at minute 50');
      const row = claimed.find((r) => r.after.id === due.job.id);
      assert.deepEqual(row?.before, due.job);
      assert.equal(row?.after.requestId, `req-${due.job.id}`);
    });
  });

  describe('notices and quota', () => {
    test('notices list newest first with the handset name, narrow by handset, stay with their owner', async () => {
      const store = getStore();
      const { owner, handset } = await seedOwner(store);
      const rows = [
        { id: uid('n'), ownerId: owner.id, handsetId: handset.id, kind: 'backup-failed' as const, message: 'a', at: at(1) },
        { id: uid('n'), ownerId: owner.id, handsetId: null, kind: 'over-quota' as const, message: 'b', at: at(2) },
      ];
      for (const row of rows) await store.notices.add(row);
      assert.deepEqual(await store.notices.list(owner.id), [
        { ...rows[1]!, handsetName: null },
        { ...rows[0]!, handsetName: handset.name },
      ]);
      assert.deepEqual(
        (await store.notices.list(owner.id, handset.id)).map((n) => n.message),
        ['a'],
      );
      assert.deepEqual(await store.notices.list((await seedOwner(store)).owner.id), []);
    });

    test('an owner has no quota of its own until one is set', async () => {
      const store = getStore();
      const { owner } = await seedOwner(store);
      assert.equal(await store.owners.quotaBytes(owner.id), null);
      await store.owners.setQuotaBytes(owner.id, 5_000_000_000);
      assert.equal(await store.owners.quotaBytes(owner.id), 5_000_000_000);
      await store.owners.setQuotaBytes(owner.id, null);
      assert.equal(await store.owners.quotaBytes(owner.id), null);
    });
  });
}
