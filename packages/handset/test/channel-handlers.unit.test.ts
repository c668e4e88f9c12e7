/**
 * The handset's channel dispatch is exhaustive by type: a handler table that
 * misses a message type the center sends does not compile (the type check of
 * `npm test` runs over this file), and each message reaches its own handler.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CenterMessage } from '@phonesafe/protocol';
import { dispatch, type ChannelScope, type HandlerTable } from '../src/channel/handlers.ts';

test('a handler table must name every message type; dispatch hands each message to its own handler', () => {
  const seen: string[] = [];
  const table = {
    'backup-start': (m) => seen.push(`backup-start ${m.jobId}`),
    'restore-pending': (m) => seen.push(`restore-pending ${m.requestId}`),
    'rescue-save': (m) => seen.push(`rescue-save ${m.rescueId}`),
    'rescue-erase': (m) => seen.push(`rescue-erase ${m.backupId}`),
    'credential-revoked': () => seen.push('credential-revoked'),
    'sync-pending': (m) => seen.push(`sync-pending ${m.seq}`),
  } satisfies HandlerTable;

  // @ts-expect-error -- no handler for 'restore-pending': a message type without a handler fails the type check.
  const missing: HandlerTable = {
    'backup-start': () => {},
    'rescue-save': () => {},
    'rescue-erase': () => {},
    'credential-revoked': () => {},
    'sync-pending': () => {},
  };
  assert.equal(Object.keys(missing).length, 5);

  const scope: ChannelScope = { connection: { send: () => {} }, emit: () => {}, track: () => {}, revoke: () => {} };
  const messages: CenterMessage[] = [
    { type: 'restore-pending', requestId: 'req-1' },
    { type: 'backup-start', requestId: 'req-2', jobId: 'job-1', attempt: 1, answerBy: '2026-01-01T00:00:00.000Z' },
    { type: 'credential-revoked', requestId: 'req-3' },
    { type: 'sync-pending', requestId: 'req-4', number: '+819012345678', seq: 7 },
  ];
  for (const message of messages) dispatch(table, message, scope);
  assert.deepEqual(seen, ['restore-pending req-1', 'backup-start job-1', 'credential-revoked', 'sync-pending 7']);
});
