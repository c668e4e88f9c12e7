/** S6's trigger rule (sync/auto-sync.ts dueTrigger): which automatic sync is due, from the settings and the changes not reflected. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AUTO_RETRY_MS, dueTrigger } from '../src/sync/auto-sync.ts';
import { DEFAULT_SYNC_TRIGGERS } from '../src/settings/schema.ts';

const MIN = 60_000;
const none = { count: 0, bytes: 0 };
const never = Number.POSITIVE_INFINITY;

test('periodic when the period has passed, even with nothing to upload (it also downloads)', () => {
  const t = { ...DEFAULT_SYNC_TRIGGERS, everyMinutes: 30 };
  assert.equal(dueTrigger(t, none, 30 * MIN - 1, never), null);
  assert.equal(dueTrigger(t, none, 30 * MIN, never), 'periodic');
});

test('past a count or a byte amount; every update on any change; nothing when all is off', () => {
  assert.equal(dueTrigger(DEFAULT_SYNC_TRIGGERS, { count: 99, bytes: 1e9 }, never, never), null);
  const count = { ...DEFAULT_SYNC_TRIGGERS, thresholdCount: 2 };
  assert.equal(dueTrigger(count, { count: 1, bytes: 10 }, 0, never), null);
  assert.equal(dueTrigger(count, { count: 2, bytes: 10 }, 0, never), 'threshold');
  const bytes = { ...DEFAULT_SYNC_TRIGGERS, thresholdBytes: 1024 };
  assert.equal(dueTrigger(bytes, { count: 5, bytes: 1023 }, 0, never), null);
  assert.equal(dueTrigger(bytes, { count: 1, bytes: 1024 }, 0, never), 'threshold');
  const update = { ...DEFAULT_SYNC_TRIGGERS, onUpdate: true, thresholdCount: 3 };
  assert.equal(dueTrigger(update, none, 0, never), null);
  assert.equal(dueTrigger(update, { count: 1, bytes: 0 }, 0, never), 'update');
  assert.equal(dueTrigger(update, { count: 3, bytes: 0 }, 0, never), 'threshold');
});

test('after a failure the change triggers wait; the periodic one does not', () => {
  const t = { ...DEFAULT_SYNC_TRIGGERS, onUpdate: true, everyMinutes: 60 };
  assert.equal(dueTrigger(t, { count: 1, bytes: 1 }, 0, AUTO_RETRY_MS - 1), null);
  assert.equal(dueTrigger(t, { count: 1, bytes: 1 }, 0, AUTO_RETRY_MS), 'update');
  assert.equal(dueTrigger(t, { count: 1, bytes: 1 }, 60 * MIN, 0), 'periodic');
});
