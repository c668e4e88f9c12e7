import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectForgotten, type RetentionPolicy } from '../src/backup/retention.ts';

const NONE: RetentionPolicy = { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 };

/** Backups named by their time, e.g. '2026-03-04T10:00'; given oldest first to show input order does not matter. */
function timeline(...times: string[]) {
  return times.map((t) => ({ id: t, committedAt: `${t}:00.000Z` }));
}

function run(times: string[], policy: Partial<RetentionPolicy>) {
  return selectForgotten(timeline(...times), { ...NONE, ...policy });
}

test('keep-last N keeps exactly the N newest', () => {
  const times = ['2026-01-01T10:00', '2026-01-02T10:00', '2026-01-03T10:00', '2026-01-04T10:00', '2026-01-05T10:00'];
  assert.deepEqual(run(times, { keepLast: 3 }), {
    keep: ['2026-01-05T10:00', '2026-01-04T10:00', '2026-01-03T10:00'],
    forget: ['2026-01-02T10:00', '2026-01-01T10:00'],
  });
  assert.deepEqual(run(times, { keepLast: 5 }).forget, []);
  assert.deepEqual(run(times, { keepLast: 1 }).keep, ['2026-01-05T10:00']);
});

test('keep-daily counts days that have backups and keeps the newest of each', () => {
  const times = ['2026-01-01T10:00', '2026-01-01T12:00', '2026-01-02T09:00', '2026-01-04T08:00', '2026-01-04T20:00', '2026-01-05T00:00'];
  assert.deepEqual(run(times, { keepDaily: 3 }), {
    keep: ['2026-01-05T00:00', '2026-01-04T20:00', '2026-01-02T09:00'],
    forget: ['2026-01-04T08:00', '2026-01-01T12:00', '2026-01-01T10:00'],
  });
});

test('days are UTC days: 23:59 and 00:00 are different days', () => {
  assert.deepEqual(run(['2026-01-01T23:59', '2026-01-02T00:00'], { keepDaily: 2 }).forget, []);
  assert.deepEqual(run(['2026-01-02T00:00', '2026-01-02T23:59'], { keepDaily: 2 }).forget, ['2026-01-02T00:00']);
});

test('keep-weekly uses ISO weeks: Monday starts a week, the year turns at week 1', () => {
  // Sun 2025-12-28 is 2025-W52; Mon 2025-12-29 and Thu 2026-01-01 are both 2026-W01.
  assert.deepEqual(run(['2025-12-28T12:00', '2025-12-29T12:00'], { keepWeekly: 2 }).forget, []);
  assert.deepEqual(run(['2025-12-28T12:00', '2025-12-29T12:00', '2026-01-01T12:00'], { keepWeekly: 2 }), {
    keep: ['2026-01-01T12:00', '2025-12-28T12:00'],
    forget: ['2025-12-29T12:00'],
  });
  // Thu 2020-12-31 and Sun 2021-01-03 are both 2020-W53; Mon 2021-01-04 is 2021-W01.
  assert.deepEqual(run(['2020-12-31T12:00', '2021-01-03T12:00', '2021-01-04T12:00'], { keepWeekly: 5 }), {
    keep: ['2021-01-04T12:00', '2021-01-03T12:00'],
    forget: ['2020-12-31T12:00'],
  });
});

test('keep-monthly keeps the newest of each of the last M months with backups', () => {
  const times = ['2025-11-15T00:00', '2026-01-31T23:59', '2026-02-01T00:00', '2026-02-28T08:00', '2026-03-01T00:00'];
  assert.deepEqual(run(times, { keepMonthly: 2 }), {
    keep: ['2026-03-01T00:00', '2026-02-28T08:00'],
    forget: ['2026-02-01T00:00', '2026-01-31T23:59', '2025-11-15T00:00'],
  });
  assert.deepEqual(run(times, { keepMonthly: 4 }).keep, ['2026-03-01T00:00', '2026-02-28T08:00', '2026-01-31T23:59', '2025-11-15T00:00']);
});

test('rules are a union, each counting on its own', () => {
  const times = ['2026-01-01T10:00', '2026-01-02T10:00', '2026-01-03T08:00', '2026-01-03T12:00'];
  assert.deepEqual(run(times, { keepLast: 2, keepDaily: 2 }), {
    keep: ['2026-01-03T12:00', '2026-01-03T08:00', '2026-01-02T10:00'],
    forget: ['2026-01-01T10:00'],
  });
  const spread = ['2025-10-10T00:00', '2025-12-20T00:00', '2026-01-01T00:00', '2026-01-02T00:00', '2026-01-03T00:00'];
  assert.deepEqual(run(spread, { keepDaily: 1, keepMonthly: 3 }), {
    keep: ['2026-01-03T00:00', '2025-12-20T00:00', '2025-10-10T00:00'],
    forget: ['2026-01-02T00:00', '2026-01-01T00:00'],
  });
});

test('an all-zero policy keeps everything; input order does not matter', () => {
  const times = ['2026-01-03T00:00', '2026-01-01T00:00', '2026-01-02T00:00'];
  assert.deepEqual(run(times, {}), { keep: ['2026-01-03T00:00', '2026-01-02T00:00', '2026-01-01T00:00'], forget: [] });
  assert.deepEqual(run(times, { keepLast: 1 }), { keep: ['2026-01-03T00:00'], forget: ['2026-01-02T00:00', '2026-01-01T00:00'] });
  assert.deepEqual(selectForgotten([], { ...NONE, keepLast: 3 }), { keep: [], forget: [] });
});

test('the newest backup is always kept', () => {
  // Two backups in one month with keep-monthly 1: only the newer survives, never the older.
  assert.deepEqual(run(['2026-05-01T00:00', '2026-05-31T23:59'], { keepMonthly: 1 }), {
    keep: ['2026-05-31T23:59'],
    forget: ['2026-05-01T00:00'],
  });
});
