import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DATA_KINDS, type DataKind } from '@phonesafe/protocol';
import { selectForgotten, selectForgottenByKind, type RetentionPolicy } from '../src/backup/retention.ts';

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

/** Backups of one handset, oldest first: [name, minute of 2026-01-01, kinds, kinds covered completely (null: before that was recorded)]. */
function history(...rows: Array<[string, number, DataKind[], DataKind[] | null]>) {
  return rows.map(([id, minute, kinds, complete]) => ({
    id,
    committedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    kinds,
    complete,
  }));
}

test('per kind: ten contacts-only backups never push out the newest backup that holds media', () => {
  const rows = history(
    ['full', 0, [...DATA_KINDS], [...DATA_KINDS]],
    ...Array.from({ length: 11 }, (_, i): [string, number, DataKind[], DataKind[]] => [`c${i + 1}`, i + 1, ['contacts'], ['contacts']]),
  );
  const { keep, forget } = selectForgottenByKind(rows, { ...NONE, keepLast: 10 });
  assert.ok(keep.includes('full'), 'the only backup of every other kind is kept');
  assert.deepEqual(forget, ['c1'], 'contacts keep their ten newest');
  assert.equal(keep.length, 11);
  // The same history counted as one list forgets the full backup.
  assert.ok(selectForgotten(rows, { ...NONE, keepLast: 10 }).forget.includes('full'));
});

test('per kind: the newest backup of every kind, and the newest complete one, are always kept', () => {
  const rows = history(
    ['media-full', 0, ['media'], ['media']],
    ['media-jpg-1', 1, ['media', 'contacts'], ['contacts']],
    ['media-jpg-2', 2, ['media', 'contacts'], ['contacts']],
    ['media-jpg-3', 3, ['media', 'contacts'], ['contacts']],
    ['mail-old', 4, ['mail'], ['mail']],
    ['mail-new', 5, ['mail'], ['mail']],
  );
  const { keep, forget } = selectForgottenByKind(rows, { ...NONE, keepLast: 1 });
  // media: newest holding media (jpg-3) and the newest covering media completely (media-full); contacts: jpg-3; mail: mail-new.
  assert.deepEqual(keep, ['mail-new', 'media-jpg-3', 'media-full']);
  assert.deepEqual(forget, ['mail-old', 'media-jpg-2', 'media-jpg-1']);
});

test('per kind: a backup recorded before completeness was known counts as covering its kinds; all-zero keeps all', () => {
  const rows = history(['old-full', 0, ['media', 'contacts'], null], ['partial', 1, ['media'], []], ['newer-partial', 2, ['media'], []]);
  assert.deepEqual(selectForgottenByKind(rows, { ...NONE, keepLast: 1 }), { keep: ['newer-partial', 'old-full'], forget: ['partial'] });
  assert.deepEqual(selectForgottenByKind(rows, NONE).forget, []);
  assert.deepEqual(selectForgottenByKind([], { ...NONE, keepLast: 1 }), { keep: [], forget: [] });
});
