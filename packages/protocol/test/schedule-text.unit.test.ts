import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { daily, monthly, once, parseScheduleText, PhoneSafeError, scheduleText, ScheduleSpec, weekly } from '@phonesafe/protocol';

const usage = (pattern: RegExp) => (e: unknown) => e instanceof PhoneSafeError && e.code === 'USAGE' && pattern.test(e.detail);

test('schedule flags become protocol schedules', () => {
  assert.deepEqual(daily('3:05'), { every: 'day', at: '03:05' });
  assert.deepEqual(weekly('0@03:00'), { every: 'week', weekday: 0, at: '03:00' });
  assert.deepEqual(weekly('Monday@23:59'), { every: 'week', weekday: 1, at: '23:59' });
  assert.deepEqual(weekly('sat@00:00'), { every: 'week', weekday: 6, at: '00:00' });
  assert.deepEqual(monthly('28@12:30'), { every: 'month', day: 28, at: '12:30' });
  assert.deepEqual(once('2026-03-01T03:00'), { every: 'once', on: '2026-03-01T03:00:00.000Z' });
  assert.deepEqual(once('2026-03-01T12:00+09:00'), { every: 'once', on: '2026-03-01T03:00:00.000Z' });
  for (const spec of [daily('03:00'), weekly('6@01:02'), monthly('1@00:00'), once('2026-03-01T03:00Z')]) {
    assert.ok(ScheduleSpec.safeParse(spec).success, JSON.stringify(spec));
    assert.deepEqual(parseScheduleText(scheduleText(spec)), spec);
  }
  assert.equal(parseScheduleText('none'), null);
  assert.throws(() => daily('24:00'), usage(/--daily/));
  assert.throws(() => daily('3pm'), usage(/HH:MM/));
  assert.throws(() => weekly('7@03:00'), usage(/weekday/));
  assert.throws(() => weekly('03:00'), usage(/WEEKDAY@HH:MM/));
  assert.throws(() => monthly('29@03:00'), usage(/1-28/));
  assert.throws(() => once('tomorrow'), usage(/ISO/));
  assert.throws(() => parseScheduleText('hourly@5'), usage(/daily@/));
});
