/** The safe's own test helpers: a safe started in this process on loopback, and a card that talks to it over real HTTP. */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { ManualClock, type Certificate, type SignedRecord, type DepositHeader } from '@phonesafe/protocol';
import { b64url, cardKeysFromSeed, fromB64url, makeRecord, SafeClient, sealTo, type CardKeys } from '@phonesafe/protocol/node';
import { loadSafeConfig, startSafe, type RunningSafe } from '../src/index.ts';

export const START = new Date('2026-12-01T10:00:00.000Z');

export interface TestSafe extends RunningSafe {
  data: string;
  db: string;
  boxPub: Buffer;
  signPub: Buffer;
}

export async function testSafe(
  t: TestContext,
  data: string,
  env: Record<string, string> = {},
  clock = new ManualClock(START),
): Promise<TestSafe> {
  const config = loadSafeConfig({ port: 0, data, logLevel: 'silent' }, env);
  const running = await startSafe(config, { clock });
  t.after(() => running.close());
  const info = await SafeClient.info(running.url);
  return { ...running, data, db: config.db, boxPub: fromB64url(info.boxPub), signPub: fromB64url(info.signPub) };
}

export interface TestCard {
  keys: CardKeys;
  client: SafeClient;
  safe: TestSafe;
}

export function testCard(t: TestContext, safe: TestSafe, clock = new ManualClock(START), seed = randomBytes(32)): TestCard {
  const keys = cardKeysFromSeed(seed);
  const client = new SafeClient({ url: safe.url, card: keys.sign, audience: safe.safeId, clock });
  t.after(() => client.close());
  return { keys, client, safe };
}

export interface Made {
  record: SignedRecord;
  header: DepositHeader;
  value: Buffer;
}

export function record(
  card: TestCard,
  value: object,
  options: { owner?: string | null; semantics?: 'bearer' | 'secret'; generation?: number } = {},
): Made {
  const bytes = Buffer.from(JSON.stringify(value));
  const made = makeRecord(card.keys, {
    audience: card.safe.safeId,
    valueId: randomBytes(16).toString('hex'),
    generation: options.generation ?? 1,
    class: 'movie-ticket',
    semantics: options.semantics ?? 'bearer',
    digest: { class: 'movie-ticket', name: 'A', qty: 1, validity: { from: '2000-04-01', to: '2000-05-31' }, place: 'B' },
    owner: options.owner ?? null,
    at: START,
    value: bytes,
  });
  return { ...made, value: bytes };
}

export const key = (): string => b64url(randomBytes(16));

export async function deposit(card: TestCard, made: Made, depositKey = key()): Promise<Certificate> {
  return card.client.deposit({ depositKey, record: made.record });
}

/** An owner registered at the safe with a random access key (the handset's stretching is the handset's test). */
export async function owner(card: TestCard, email = 'owner@example.org'): Promise<{ ownerRef: string; accessKey: Buffer }> {
  const accessKey = randomBytes(32);
  const { ownerRef } = await card.client.registerOwner({
    owner: email,
    salt: b64url(randomBytes(16)),
    access: b64url(sealTo(card.safe.boxPub, accessKey, 'owner-register')),
  });
  return { ownerRef, accessKey };
}

export function proof(card: TestCard, accessKey: Buffer, nonce: string): string {
  return b64url(sealTo(card.safe.boxPub, Buffer.concat([accessKey, Buffer.from(nonce)]), 'owner-proof'));
}
