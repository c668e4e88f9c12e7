/**
 * Two centers (each its own pool and part service) on one PostgreSQL
 * database and one data directory, so one blob store: the same part id
 * uploaded through both at once, with different sealings (as two handsets of
 * one owner send it). Whichever row wins, the stored bytes must be the ones
 * the row describes, for single uploads and for batches.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pgDatabase } from '@phonesafe/testkit';
import { encodePartBatch, ManualClock } from '@phonesafe/protocol';
import type { SealedPart } from '@phonesafe/protocol/node';
import { LocalBlobStore } from '../src/blobs/local-blob-store.ts';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/logging/logger.ts';
import { verifyStore } from '../src/maintenance/verify.ts';
import { startCenter, type RunningCenter } from '../src/server.ts';
import { openStore } from '../src/center-store.ts';
import type { Store } from '../src/center-store.ts';
import { call, enroll, newOwner, putPart, randomChunk, type Harness, type TestOwner } from './http-harness.ts';
import { remote } from './remote-harness.ts';

const PAIRS = 200;

describe('two centers on one database and one blob directory', () => {
  let database: { url: string; drop(): Promise<void> };
  let data: string;
  const centers: RunningCenter[] = [];
  let store: Store;
  let api: Harness[];
  let owner: TestOwner;
  let credentials: string[];

  before(async () => {
    database = await pgDatabase();
    data = await mkdtemp(join(tmpdir(), 'phonesafe-two-blobs-'));
    const config = loadConfig({ data, db: database.url, port: 0, tickMs: 0, centerSecret: 's'.repeat(40), logLevel: 'silent' }, {});
    const clock = new ManualClock('2026-03-02T10:00:00.000Z');
    for (let i = 0; i < 2; i++) centers.push(await startCenter(config, { clock, logger: createLogger(config) }));
    api = centers.map((center) => remote(center.url));
    store = await openStore(database.url);
    owner = await newOwner(api[0]!);
    credentials = [(await enroll(api[0]!, owner, 'phone-1')).credential, (await enroll(api[1]!, owner, 'phone-2')).credential];
  });
  after(async () => {
    for (const center of centers) await center.close();
    await store?.close();
    await database?.drop();
    if (data) await rm(data, { recursive: true, force: true });
  });

  const ref = (p: SealedPart) => ({ id: p.id, size: p.bytes.length, sha256: p.sha256 });
  const putBatch = (i: number, parts: SealedPart[]) =>
    call(api[i]!, 'PUT', '/v1/parts', {
      bearer: credentials[i]!,
      body: encodePartBatch(parts.map((p) => ({ ref: ref(p), bytes: p.bytes }))),
      headers: { 'content-type': 'application/octet-stream' },
    });

  it('every row describes the blob stored for it, whichever upload won', async () => {
    // Each pair: one plain chunk sealed twice, so one part id with two different byte strings.
    const pairs = Array.from({ length: PAIRS }, () => {
      const plain = randomChunk(3000);
      return [owner.keys.sealPart(plain, { compress: false }), owner.keys.sealPart(plain, { compress: false })] as const;
    });
    const singles = pairs.slice(0, PAIRS / 2);
    const batched = pairs.slice(PAIRS / 2);
    const answers = await Promise.all([
      ...singles.flatMap(([a, b]) => [putPart(api[0]!, credentials[0]!, a), putPart(api[1]!, credentials[1]!, b)]),
      ...[0, 1].map((i) =>
        putBatch(
          i,
          batched.map((pair) => pair[i]!),
        ),
      ),
    ]);
    for (const answer of answers) assert.ok([200, 201, 409].includes(answer.statusCode), answer.body);

    const report = await verifyStore(store, new LocalBlobStore(join(data, 'blobs')));
    assert.equal(report.checked, PAIRS);
    assert.deepEqual(report.damaged, [], `${report.damaged.length} of ${PAIRS} stored parts do not match their rows`);
    // And each part reads back through either center.
    for (const [a] of pairs.slice(0, 10)) {
      for (const i of [0, 1]) assert.equal((await call(api[i]!, 'GET', `/v1/parts/${a.id}`, { bearer: credentials[i]! })).statusCode, 200);
    }
  });
});
