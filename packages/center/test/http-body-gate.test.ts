/**
 * Issue 8 item 11: authenticated large bodies are read a few at a time. The
 * rest wait before a byte of their body is read (TCP holds them, not the
 * center's memory), a bounded number of them; beyond that, UNAVAILABLE.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { afterEach, describe, it } from 'node:test';
import { until } from '@phonesafe/testkit';
import { enroll, newOwner, startHarness, type Harness } from './http-harness.ts';

const BODY = 256 * 1024;

interface SlowUpload {
  id: string;
  /** Sends the rest of the body. */
  finish(): void;
  /** Ends the connection without the rest of the body. */
  abandon(): void;
  answer: Promise<{ status: number; body: string }>;
}

/** A part upload on its own connection that sends its headers and the first half of its body, then waits. */
const started: SlowUpload[] = [];

function slowUpload(url: URL, credential: string): SlowUpload {
  const bytes = randomBytes(BODY);
  const id = randomBytes(32).toString('hex');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const req = request({
    method: 'PUT',
    host: url.hostname,
    port: url.port,
    path: `/v1/parts/${id}`,
    agent: false,
    headers: {
      authorization: `Bearer ${credential}`,
      'content-type': 'application/octet-stream',
      'content-length': BODY,
      'x-phonesafe-sha256': sha256,
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8').on('data', (piece: string) => (body += piece));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  // A failed test must not leave the center waiting for bodies that never come.
  answer.catch(() => {});
  req.write(bytes.subarray(0, BODY / 2));
  const upload = { id, finish: () => req.end(bytes.subarray(BODY / 2)), abandon: () => req.destroy(), answer };
  started.push(upload);
  return upload;
}

describe('the bound on large bodies being read', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    for (const upload of started.splice(0)) upload.abandon();
    await h?.close();
  });

  async function center(reading: number, waiting: number) {
    h = await startHarness({ bodyReads: reading, bodyQueue: waiting });
    const url = new URL(await h.app.listen({ host: '127.0.0.1', port: 0 }));
    const owner = await newOwner(h);
    const { credential } = await enroll(h, owner, 'phone');
    return { h, url, owner, credential };
  }

  it('with a bound of 2, four slow uploads: two are read, two wait unread, and all four complete', async () => {
    const { h, url, owner, credential } = await center(2, 10);
    const uploads = [1, 2, 3, 4].map(() => slowUpload(url, credential));
    await until(() => h.bodies.stats().reading === 2 && h.bodies.stats().waiting === 2, 'two uploads read and two waiting', 10_000);
    for (const upload of uploads) upload.finish();
    const answers = await Promise.all(uploads.map((u) => u.answer));
    assert.deepEqual(
      answers.map((a) => a.status),
      [201, 201, 201, 201],
      JSON.stringify(answers),
    );
    for (const upload of uploads) assert.ok(await h.store.parts.find(owner.ownerId, upload.id));
    assert.deepEqual(h.bodies.stats(), { reading: 0, waiting: 0, mostReading: 2 });
  });

  it('when the waiting room is full the next large body is refused at once with UNAVAILABLE; a waiter that left gives up its turn', async () => {
    const { h, url, credential } = await center(1, 1);
    const reading = slowUpload(url, credential);
    const waiting = slowUpload(url, credential);
    await until(() => h.bodies.stats().waiting === 1, 'one upload waiting', 10_000);
    const refused = await slowUpload(url, credential).answer;
    assert.equal(refused.status, 503);
    assert.deepEqual([JSON.parse(refused.body).code, JSON.parse(refused.body).retryable], ['UNAVAILABLE', true]);

    // The center notices a waiter's client is gone when its turn comes (its socket is not read before), and moves on.
    waiting.abandon();
    reading.finish();
    assert.equal((await reading.answer).status, 201);
    await until(() => h.bodies.stats().reading === 0 && h.bodies.stats().waiting === 0, 'the abandoned turn given up', 10_000);
    const next = slowUpload(url, credential);
    next.finish();
    assert.equal((await next.answer).status, 201);
    assert.equal(h.bodies.stats().mostReading, 1);
  });
});
