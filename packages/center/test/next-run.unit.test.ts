import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScheduleSpec } from '@phonesafe/protocol';
import { nextRun } from '../src/schedules/next-run.ts';

const next = (spec: ScheduleSpec, after: string) => nextRun(spec, new Date(after))?.toISOString() ?? null;

describe('nextRun (UTC, strictly after)', () => {
  it('day: later today, or tomorrow once the time has passed', () => {
    assert.equal(next({ every: 'day', at: '10:30' }, '2026-03-02T08:00:00.000Z'), '2026-03-02T10:30:00.000Z');
    assert.equal(next({ every: 'day', at: '10:30' }, '2026-03-02T11:00:00.000Z'), '2026-03-03T10:30:00.000Z');
  });

  it('an exact boundary is not "after": the next slot follows', () => {
    assert.equal(next({ every: 'day', at: '10:30' }, '2026-03-02T10:30:00.000Z'), '2026-03-03T10:30:00.000Z');
    assert.equal(next({ every: 'day', at: '10:30' }, '2026-03-02T10:29:59.999Z'), '2026-03-02T10:30:00.000Z');
    assert.equal(next({ every: 'week', weekday: 1, at: '00:00' }, '2026-03-02T00:00:00.000Z'), '2026-03-09T00:00:00.000Z');
    assert.equal(next({ every: 'month', day: 2, at: '10:00' }, '2026-03-02T10:00:00.000Z'), '2026-04-02T10:00:00.000Z');
  });

  it('day: crosses month and year ends', () => {
    assert.equal(next({ every: 'day', at: '00:00' }, '2026-12-31T23:59:00.000Z'), '2027-01-01T00:00:00.000Z');
    assert.equal(next({ every: 'day', at: '23:59' }, '2026-02-28T23:59:30.000Z'), '2026-03-01T23:59:00.000Z');
  });

  it('week: same weekday later, earlier weekday wraps to next week, Sunday is 0', () => {
    // 2026-03-04 is a Wednesday (3).
    assert.equal(next({ every: 'week', weekday: 3, at: '18:00' }, '2026-03-04T09:00:00.000Z'), '2026-03-04T18:00:00.000Z');
    assert.equal(next({ every: 'week', weekday: 3, at: '08:00' }, '2026-03-04T09:00:00.000Z'), '2026-03-11T08:00:00.000Z');
    assert.equal(next({ every: 'week', weekday: 1, at: '08:00' }, '2026-03-04T09:00:00.000Z'), '2026-03-09T08:00:00.000Z');
    assert.equal(next({ every: 'week', weekday: 0, at: '08:00' }, '2026-03-04T09:00:00.000Z'), '2026-03-08T08:00:00.000Z');
    // Saturday evening to Sunday morning crosses the year.
    assert.equal(next({ every: 'week', weekday: 0, at: '01:00' }, '2026-12-26T22:00:00.000Z'), '2026-12-27T01:00:00.000Z');
  });

  it('month: day 28 exists in February; past this month goes to the next, December to January', () => {
    assert.equal(next({ every: 'month', day: 28, at: '03:00' }, '2026-02-10T00:00:00.000Z'), '2026-02-28T03:00:00.000Z');
    assert.equal(next({ every: 'month', day: 28, at: '03:00' }, '2026-02-28T03:00:00.000Z'), '2026-03-28T03:00:00.000Z');
    assert.equal(next({ every: 'month', day: 28, at: '03:00' }, '2026-01-31T12:00:00.000Z'), '2026-02-28T03:00:00.000Z');
    assert.equal(next({ every: 'month', day: 1, at: '00:00' }, '2026-12-15T00:00:00.000Z'), '2027-01-01T00:00:00.000Z');
  });

  it('once: its date while in the future, then never', () => {
    const spec: ScheduleSpec = { every: 'once', on: '2026-05-01T12:00:00.000Z' };
    assert.equal(next(spec, '2026-04-30T00:00:00.000Z'), '2026-05-01T12:00:00.000Z');
    assert.equal(next(spec, '2026-05-01T12:00:00.000Z'), null);
    assert.equal(next(spec, '2026-06-01T00:00:00.000Z'), null);
  });
});
