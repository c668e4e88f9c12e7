/**
 * The edges of the HTTP API: exact limits and refusals that must be
 * problem+json with a stable code and leave nothing stored.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { encodePartBatch, MAX_BATCH_BYTES, PartBatchAck, type BatchPart } from '@phonesafe/protocol';
import { call, enroll, expectProblem, expectStatus, newOwner, startHarness, type Harness, type TestOwner } from './http-harness.ts';

describe('HTTP API edges', () => {
  let h: Harness;
  let owner: TestOwner;
  let phone: { handsetId: string; credential: string };

  beforeEach(async () => {
    h = await startHarness();
    owner = await newOwner(h);
    phone = await enroll(h, owner, 'phone');
  });
  afterEach(() => h.close());

  it('a backup start naming a kind twice → VALIDATION_FAILED, no backup opened', async () => {
    const res = await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['media', 'contacts', 'media'] } });
    const problem = expectProblem(res, 'VALIDATION_FAILED', 400);
    assert.match(problem.detail, /body\.kinds: .*media.*twice/);
    assert.deepEqual(await h.store.backups.listStaleOpen('9999-12-31T00:00:00.000Z'), []);
  });

  /** Opaque parts (the center never opens them) whose sizes add up to `total`, none over the part limit. */
  function partsTotalling(total: number): BatchPart[] {
    const sizes = [4 * 1024 * 1024, total - 4 * 1024 * 1024 - 20, 20];
    return sizes.map((size) => {
      const bytes = randomBytes(size);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      return { ref: { id: randomBytes(32).toString('hex'), size, sha256 }, bytes };
    });
  }
  /** The batch body without the client-side check, as a forged sender would build it. */
  function rawBatch(parts: readonly BatchPart[]): Buffer {
    const index = Buffer.from(JSON.stringify({ parts: parts.map((p) => p.ref) }));
    const head = Buffer.alloc(4);
    head.writeUInt32BE(index.length);
    return Buffer.concat([head, index, ...parts.map((p) => p.bytes)]);
  }
  const putBatch = (body: Buffer) =>
    call(h, 'PUT', '/v1/parts', { bearer: phone.credential, body, headers: { 'content-type': 'application/octet-stream' } });
  const stored = (parts: readonly BatchPart[]) =>
    Promise.all(
      parts.map(async (p) => (await h.store.parts.find(owner.ownerId, p.ref.id)) !== undefined || h.blobs.has(owner.ownerId, p.ref.id)),
    );

  it('a part batch of exactly 8 MiB of parts is stored; one byte more is refused and stores nothing', async () => {
    const exact = partsTotalling(MAX_BATCH_BYTES);
    const ok = await putBatch(encodePartBatch(exact));
    expectStatus(ok, 200);
    assert.deepEqual(
      PartBatchAck.parse(ok.json()).acks.map((a) => a.stored),
      ['new', 'new', 'new'],
    );

    const over = partsTotalling(MAX_BATCH_BYTES + 1);
    assert.throws(() => encodePartBatch(over), /at most 8388608/, 'a client cannot build one either');
    const problem = expectProblem(await putBatch(rawBatch(over)), 'VALIDATION_FAILED', 400);
    assert.match(problem.detail, /8388609 bytes.*at most 8388608/);
    assert.deepEqual(await stored(over), [false, false, false]);
  });

  it('GET /v1/channel without an Upgrade header → 426 UPGRADE_REQUIRED; without a credential still UNAUTHENTICATED', async () => {
    const plain = await call(h, 'GET', '/v1/channel', { bearer: phone.credential });
    const problem = expectProblem(plain, 'UPGRADE_REQUIRED', 426);
    assert.match(problem.detail, /WebSocket/);
    assert.equal(plain.headers['upgrade'], 'websocket');
    expectProblem(await call(h, 'GET', '/v1/channel'), 'UNAUTHENTICATED', 401);
  });

  it('headers over the limit → 431 HEADERS_TOO_LARGE and a malformed request → 400 BAD_REQUEST, both problem+json', async () => {
    const url = new URL(await h.app.listen({ host: '127.0.0.1', port: 0 }));
    const huge = await rawExchange(url, `GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`);
    assertRawProblem(huge, 431, 'HEADERS_TOO_LARGE');
    const garbage = await rawExchange(url, 'NOT HTTP AT ALL\r\n\r\n');
    assertRawProblem(garbage, 400, 'BAD_REQUEST');
  });
});

/** Writes `request` on a fresh TCP connection and collects everything the server sends until it closes. */
function rawExchange(url: URL, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (piece: string) => (answer += piece));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(answer) : reject(error)));
    socket.on('close', () => resolve(answer));
  });
}

function assertRawProblem(answer: string, status: number, code: string): void {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), answer);
  assert.match(head, /\r\ncontent-type: application\/problem\+json/i);
  const problem = JSON.parse(body) as { code: string; status: number; type: string; retryable: boolean };
  assert.deepEqual([problem.code, problem.status, problem.type], [code, status, `urn:phonesafe:problem:${code}`]);
}
