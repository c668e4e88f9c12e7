/** The automatic triggers' rule (sync/auto-sync.ts dueTrigger): which sync is due, from the settings, the device and the changes not reflected. */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AUTO_RETRY_MS, dueTrigger } from '../src/sync/auto-sync.ts';
import { DEFAULT_SYNC_TRIGGERS, SyncTriggers } from '../src/settings/schema.ts';

const MIN = 60_000;
const none = { count: 0, bytes: 0 };
const never = Number.POSITIVE_INFINITY;
const awake = { idle: false, battery: 100 };

test('periodic when the period has passed, even with nothing to upload (it also downloads)', () => {
  const t = { ...DEFAULT_SYNC_TRIGGERS, everyMinutes: 30 };
  assert.equal(dueTrigger(t, none, awake, 30 * MIN - 1, never), null);
  assert.equal(dueTrigger(t, none, awake, 30 * MIN, never), 'periodic');
});

test('past a count or a byte amount; every update on any change; nothing when all is off', () => {
  assert.equal(dueTrigger(DEFAULT_SYNC_TRIGGERS, { count: 99, bytes: 1e9 }, { idle: true, battery: 1 }, never, never), null);
  const count = { ...DEFAULT_SYNC_TRIGGERS, thresholdCount: 2 };
  assert.equal(dueTrigger(count, { count: 1, bytes: 10 }, awake, 0, never), null);
  assert.equal(dueTrigger(count, { count: 2, bytes: 10 }, awake, 0, never), 'threshold');
  const bytes = { ...DEFAULT_SYNC_TRIGGERS, thresholdBytes: 1024 };
  assert.equal(dueTrigger(bytes, { count: 5, bytes: 1023 }, awake, 0, never), null);
  assert.equal(dueTrigger(bytes, { count: 1, bytes: 1024 }, awake, 0, never), 'threshold');
  const update = { ...DEFAULT_SYNC_TRIGGERS, onUpdate: true, thresholdCount: 3 };
  assert.equal(dueTrigger(update, none, awake, 0, never), null);
  assert.equal(dueTrigger(update, { count: 1, bytes: 0 }, awake, 0, never), 'update');
  assert.equal(dueTrigger(update, { count: 3, bytes: 0 }, awake, 0, never), 'threshold');
});

test('after a failure the change triggers wait; the periodic one does not', () => {
  const t = { ...DEFAULT_SYNC_TRIGGERS, onUpdate: true, everyMinutes: 60 };
  assert.equal(dueTrigger(t, { count: 1, bytes: 1 }, awake, 0, AUTO_RETRY_MS - 1), null);
  assert.equal(dueTrigger(t, { count: 1, bytes: 1 }, awake, 0, AUTO_RETRY_MS), 'update');
  assert.equal(dueTrigger(t, { count: 1, bytes: 1 }, awake, 60 * MIN, 0), 'periodic');
});

test('idle: only while the device is idle, at most a minute after the last automatic sync, with or without changes', () => {
  const t = { ...DEFAULT_SYNC_TRIGGERS, onIdle: true, onUpdate: true };
  const idle = { idle: true, battery: 100 };
  assert.equal(dueTrigger(t, none, awake, never, never), null);
  assert.equal(dueTrigger(t, none, idle, MIN - 1, never), null);
  assert.equal(dueTrigger(t, none, idle, MIN, never), 'idle');
  assert.equal(dueTrigger(t, { count: 1, bytes: 1 }, idle, MIN, never), 'idle', 'idle goes both ways, before every update');
  assert.equal(dueTrigger(t, { count: 1, bytes: 1 }, idle, 0, never), 'update');
});

test('low battery: at or below the level, with changes not reflected, before every other trigger; waits after a failure', () => {
  const t = { ...DEFAULT_SYNC_TRIGGERS, lowBattery: 20, everyMinutes: 30, onIdle: true };
  const changes = { count: 2, bytes: 10 };
  assert.equal(dueTrigger(t, changes, { idle: true, battery: 21 }, MIN, never), 'idle');
  assert.equal(dueTrigger(t, changes, { idle: true, battery: 20 }, never, never), 'low-battery');
  assert.equal(dueTrigger(t, changes, { idle: false, battery: 5 }, 0, never), 'low-battery');
  assert.equal(dueTrigger(t, none, { idle: false, battery: 5 }, 0, never), null, 'nothing to upload: nothing to do');
  assert.equal(dueTrigger(t, changes, { idle: false, battery: 5 }, 0, AUTO_RETRY_MS - 1), null);
});

test('sync settings stored before idle and low battery read with both off', () => {
  const before = { everyMinutes: null, onUpdate: false, thresholdCount: null, thresholdBytes: null, ask: false, remindMinutes: null };
  assert.deepEqual(SyncTriggers.parse(before), DEFAULT_SYNC_TRIGGERS);
});
