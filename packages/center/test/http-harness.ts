/**
 * Test harness for the HTTP API: a real store (SQLite in a temp dir, or a
 * throw-away PostgreSQL database from the testkit's `pgDatabase`), real blobs, a ManualClock, captured logs,
 * and helpers that act as an owner's pc and handsets through `app.inject()`.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { ManualClock, type EndNotice, type Manifest } from '@phonesafe/protocol';
import { deriveOwnerSecrets, newDataKey, newKdfParams, OwnerKeys, sha256Hex, wrapDataKey, type SealedPart } from '@phonesafe/protocol/node';
import { makeTempDir, OWNER_PASSWORD } from '@phonesafe/testkit';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { resolveCenterSecret } from '../src/config/center-secret.ts';
import { loadConfig, type ConfigOverrides } from '../src/config/config.ts';
import type { ChannelRegistry } from '../src/channel/channel-registry.ts';
import type { App, BodyGate } from '@phonesafe/server-kit';
import { buildApp } from '../src/app.ts';
import type { Scheduler } from '../src/scheduler/scheduler.ts';
import { createLogger } from '../src/logging/logger.ts';
import { openPushBus } from '../src/push/open-push-bus.ts';
import type { PushBus } from '../src/push/push-bus.ts';
import { openResources } from '../src/resources.ts';
import type { BlobStore } from '../src/blobs/blob-store.ts';
import type { Store } from '../src/center-store.ts';

/** The cheapest KDF cost the protocol allows (KdfParams: 2^14, 16 MiB); the center treats every cost alike. */
export const TEST_KDF_COST = { N: 1 << 14, r: 8, p: 1 };

export interface Harness {
  app: App;
  store: Store;
  blobs: BlobStore;
  clock: ManualClock;
  /** Not ticking by itself: tests call `scheduler.tick()` after moving the clock. */
  scheduler: Scheduler;
  channel: ChannelRegistry;
  bodies: BodyGate;
  bus: PushBus;
  data: string;
  /** Every log line the center wrote. */
  logs: string[];
  close(): Promise<void>;
}

export async function startHarness(overrides: ConfigOverrides = {}, clock = new ManualClock('2026-03-02T10:00:00.000Z')): Promise<Harness> {
  const { dir: data, remove } = await makeTempDir('http');
  // An empty environment: the developer's PHONESAFE_* variables must not leak into tests.
  const config = loadConfig({ data, ...overrides }, {});
  const { store, blobs } = await openResources(config);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ logLevel: 'debug' }, sink);
  const bus = await openPushBus(store, config.db, () => {});
  const { app, scheduler, channel, bodies } = buildApp({
    store,
    blobs,
    clock,
    logger,
    bus,
    config: { ...config, centerSecret: await resolveCenterSecret(config) },
  });
  await app.ready();
  return {
    app,
    store,
    blobs,
    clock,
    scheduler,
    channel,
    bodies,
    bus,
    data,
    logs,
    close: async () => {
      await app.close();
      await bus.close();
      await store.close();
      await remove();
    },
  };
}

export interface CallOptions {
  bearer?: string;
  json?: unknown;
  body?: Buffer | string;
  headers?: Record<string, string>;
}

export function call(h: Harness, method: InjectOptions['method'], url: string, options: CallOptions = {}): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const payload = options.json !== undefined ? JSON.stringify(options.json) : options.body;
  return h.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
}

export function putPart(h: Harness, bearer: string, part: SealedPart, sha256: string = part.sha256): Promise<LightMyRequestResponse> {
  return call(h, 'PUT', `/v1/parts/${part.id}`, {
    bearer,
    body: part.bytes,
    headers: { 'content-type': 'application/octet-stream', 'x-phonesafe-sha256': sha256 },
  });
}

export interface TestOwner {
  email: string;
  ownerId: string;
  authKey: string;
  token: string;
  keys: OwnerKeys;
}

/** Registers and logs in an owner the way the pc does (real KDF, real wrapped data key). */
export async function newOwner(h: Harness, email = `owner-${randomBytes(4).toString('hex')}@example.org`): Promise<TestOwner> {
  const kdf = newKdfParams(TEST_KDF_COST);
  const { authKey, kek } = await deriveOwnerSecrets(OWNER_PASSWORD, kdf);
  const dataKey = newDataKey();
  const register = await call(h, 'POST', '/v1/owners', {
    json: { email, authKey: authKey.toString('base64'), kdf, wrappedDataKey: wrapDataKey(kek, dataKey) },
  });
  expectStatus(register, 201);
  const login = await call(h, 'POST', '/v1/owners/login', { json: { email, authKey: authKey.toString('base64') } });
  expectStatus(login, 200);
  const { ownerId, token } = login.json<{ ownerId: string; token: string }>();
  return { email, ownerId, authKey: authKey.toString('base64'), token, keys: new OwnerKeys(dataKey) };
}

export async function enroll(h: Harness, owner: TestOwner, name: string): Promise<{ handsetId: string; credential: string }> {
  const res = await call(h, 'POST', '/v1/handsets', { bearer: owner.token, json: { name } });
  expectStatus(res, 201);
  return res.json();
}

export interface SealedBackup {
  parts: SealedPart[];
  manifest: SealedPart;
  notice: EndNotice;
}

/** Seals files (each given as its chunks) into parts, a sealed manifest and the end notice naming them. */
export function sealBackup(keys: OwnerKeys, handsetId: string, files: Record<string, Buffer[]>): SealedBackup {
  const unique = new Map<string, SealedPart>();
  const manifestFiles: Manifest['files'] = [];
  const noticeFiles: EndNotice['files'] = [];
  for (const [path, chunks] of Object.entries(files)) {
    const sealed = chunks.map((chunk) => unique.get(keys.partId(chunk)) ?? keys.sealPart(chunk, { compress: false }));
    for (const part of sealed) unique.set(part.id, part);
    const plain = Buffer.concat(chunks);
    manifestFiles.push({
      path,
      kind: 'media',
      itemId: path,
      version: 1,
      size: plain.length,
      sha256: sha256Hex(plain),
      modifiedAt: '2026-03-01T08:00:00.000Z',
      parts: sealed.map((part) => ({ id: part.id, size: part.plainSize })),
    });
    noticeFiles.push({
      ref: keys.fileRef(path),
      size: sealed.reduce((sum, part) => sum + part.bytes.length, 0),
      parts: sealed.map((part) => part.id),
    });
  }
  const manifestBody: Manifest = {
    format: 'phonesafe-manifest',
    version: 1,
    handsetId,
    handsetName: 'test',
    createdAt: '2026-03-02T10:00:00.000Z',
    kinds: ['media'],
    files: manifestFiles,
  };
  const manifest = keys.sealPart(Buffer.from(JSON.stringify(manifestBody)), { compress: true });
  const parts = [...unique.values()];
  const ref = (part: SealedPart) => ({ id: part.id, size: part.bytes.length, sha256: part.sha256 });
  return { parts, manifest, notice: { manifest: ref(manifest), parts: parts.map(ref), files: noticeFiles } };
}

/** B3-B5 as a handset does it: start, ask what is missing, send that (and the manifest), end. */
export async function runBackup(
  h: Harness,
  credential: string,
  backup: SealedBackup,
  start: Record<string, unknown> = {},
): Promise<string> {
  const started = await call(h, 'POST', '/v1/backups', { bearer: credential, json: { kinds: ['media'], ...start } });
  return sendBackup(h, credential, backup, started);
}

/** The rest of a backup after its start answered: parts the center lacks, then the end notice. */
export async function sendBackup(h: Harness, credential: string, backup: SealedBackup, start: LightMyRequestResponse): Promise<string> {
  expectStatus(start, 201);
  const { backupId } = start.json<{ backupId: string }>();
  const all = [...backup.parts, backup.manifest];
  const missing = await call(h, 'POST', '/v1/parts/missing', { bearer: credential, json: { ids: all.map((part) => part.id) } });
  expectStatus(missing, 200);
  const wanted = new Set(missing.json<{ missing: string[] }>().missing);
  for (const part of all.filter((p) => wanted.has(p.id))) expectStatus(await putPart(h, credential, part), 201);
  expectStatus(await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: credential, json: backup.notice }), 200);
  return backupId;
}

export function expectStatus(res: LightMyRequestResponse, status: number): void {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
}

/** Asserts a problem+json answer with this code and status; returns the problem. */
export function expectProblem(
  res: LightMyRequestResponse,
  code: string,
  status: number,
): { code: string; detail: string; extra: Record<string, unknown> } {
  expectStatus(res, status);
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${res.headers['content-type']}`);
  }
  const problem = res.json<{ code: string; detail: string; extra: Record<string, unknown> }>();
  if (problem.code !== code) throw new Error(`expected ${code}, got ${problem.code}: ${problem.detail}`);
  return problem;
}

export function randomChunk(size: number): Buffer {
  return randomBytes(size);
}
