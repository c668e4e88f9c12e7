/**
 * The channel's dispatch is exhaustive by type: a handler table that misses
 * a HandsetMessage type does not compile (the `@ts-expect-error` below fails
 * the type check the day it stops being an error), and each message reaches
 * the handler of its own type.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PhoneSafeError, type HandsetMessage } from '@phonesafe/protocol';
import type { HandsetHandlers } from '../src/channel/handset-handlers.ts';
import { handleHandsetMessage } from '../src/channel/handset-message.ts';

test('a table without a handler for every message type does not compile', () => {
  // @ts-expect-error 'backup-failed' has no handler
  const partial: HandsetHandlers = { 'backup-start-answer': async () => {} };
  assert.ok(partial);
});

test('each message goes to the handler of its type, and a refusal comes back with its request id', async () => {
  const seen: Array<[string, HandsetMessage['type']]> = [];
  const handlers: HandsetHandlers = {
    'backup-start-answer': async (handsetId, message) => seen.push([handsetId, message.type]),
    'backup-failed': async () => {
      throw new PhoneSafeError('NOT_FOUND', 'no such job');
    },
  };
  const answer = { type: 'backup-start-answer', requestId: 'request-0001', answer: 'OK' };
  assert.equal(await handleHandsetMessage(JSON.stringify(answer), 'h1', handlers), undefined);
  assert.deepEqual(seen, [['h1', 'backup-start-answer']]);
  const failed = { type: 'backup-failed', requestId: 'request-0002', code: 'LOCAL_IO' };
  const refusal = await handleHandsetMessage(JSON.stringify(failed), 'h1', handlers);
  assert.deepEqual(refusal, { type: 'refused', requestId: 'request-0002', code: 'NOT_FOUND', detail: 'no such job' });
});
