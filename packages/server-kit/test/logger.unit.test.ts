/** The server log: JSON lines for machines, pretty lines for a person, the same secrets redacted in both. */
import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createServerLogger } from '@phonesafe/server-kit';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

test('json: one JSON object per line with the service and the fields, secrets redacted', () => {
  const out = capture();
  const logger = createServerLogger({ level: 'info', service: 'phonesafe-toy' }, out.stream);
  logger.info({ url: 'http://127.0.0.1:1', password: 'hunter2' }, 'started');
  const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
  assert.equal(line['msg'], 'started');
  assert.equal(line['service'], 'phonesafe-toy');
  assert.equal(line['password'], '[redacted]');
});

test('pretty: a line with time, level and message, fields below, the same secrets redacted, no colour off a terminal', () => {
  const out = capture();
  const logger = createServerLogger({ level: 'info', service: 'phonesafe-toy', format: 'pretty', secretKeys: ['mine'] }, out.stream);
  logger.info({ url: 'http://127.0.0.1:1', password: 'hunter2', mine: 'own secret' }, 'started');
  logger.warn('careful');
  const text = out.text();
  assert.match(text, /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] INFO: started\n {4}url: "http:\/\/127\.0\.0\.1:1"\n/);
  assert.match(text, /\] WARN: careful\n/);
  assert.doesNotMatch(text, /hunter2|own secret/);
  assert.match(text, /password: "\[redacted\]"/);
  assert.doesNotMatch(text, /\{"level"/);
  assert.doesNotMatch(text, /\x1b\[/);
});
