/**
 * V12 at the safe, over real HTTP: a deposit registered with an
 * authentication device is released only against that device's answer to
 * the safe's own fresh challenge; no answer, another device's answer and a
 * stale challenge are refused and counted; a right answer resets the count;
 * the last wrong one destroys the body and every later try says so.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '@phonesafe/protocol';
import { answerChallenge, b64url, makeRecord, signingKeyFromSeed } from '@phonesafe/protocol/node';
import { pgDatabase, pgQuery, sqliteRows, tempDir } from '@phonesafe/testkit';
import { key, START, testCard, testSafe, type TestCard } from './helpers.ts';

const device = signingKeyFromSeed(randomBytes(32));
const other = signingKeyFromSeed(randomBytes(32));

async function depositWithDevice(card: TestCard) {
  const { record } = makeRecord(card.keys, {
    audience: card.safe.safeId,
    valueId: randomBytes(16).toString('hex'),
    generation: 1,
    class: 'key',
    semantics: 'secret',
    digest: null,
    owner: null,
    at: START,
    value: Buffer.from('{"class":"key","name":"door"}'),
    device: b64url(device.publicRaw),
  });
  return card.client.deposit({ depositKey: key(), record });
}

for (const store of ['SQLite', 'PostgreSQL'] as const)
  test(`on ${store}: a device-registered deposit is released only against its device, counted and destroyed at the limit`, async (t) => {
    await story(t, store === 'SQLite' ? undefined : (await pgDatabase(t)).url);
  });

async function story(t: TestContext, pg: string | undefined): Promise<void> {
  const root = await tempDir(t, 'safe-device');
  const clock = new ManualClock(START);
  const safe = await testSafe(t, join(root, 'safe'), { PHONESAFE_SAFE_MAX_TRIES: '3', ...(pg ? { PHONESAFE_SAFE_DB: pg } : {}) }, clock);
  const card = testCard(t, safe, clock);
  const certificate = await depositWithDevice(card);
  type Challenge = Awaited<ReturnType<typeof card.client.challenge>>;
  const release = async (answerWith?: typeof device, challenge?: Challenge, releaseId = key()) => {
    const asked = challenge ?? (await card.client.challenge(certificate));
    const deviceAnswer = answerWith ? { device: { challenge: asked, answer: answerChallenge(answerWith, asked) } } : {};
    return card.client.release({ certificate, releaseId, ...deviceAnswer });
  };
  const refused = async (what: Promise<unknown>, code: string, triesLeft?: number) =>
    assert.rejects(what, (e: { code: string; extra: { triesLeft?: number } }) => {
      assert.equal(e.code, code);
      if (triesLeft !== undefined) assert.equal(e.extra.triesLeft, triesLeft);
      return true;
    });
  type Row = { state: string; body: string | null; device_tries_left: number };
  const sql = 'SELECT state, body, device_tries_left FROM deposits';
  const row = async (): Promise<Row> => (pg ? (await pgQuery<Row>(pg, sql))[0]! : sqliteRows<Row>(join(root, 'safe', 'safe.db'), sql)[0]!);

  await refused(release(), 'SAFE_DEVICE_MISMATCH', 2);
  await refused(release(other), 'SAFE_DEVICE_MISMATCH', 1);
  const releaseId = key();
  const record = await release(device, undefined, releaseId);
  assert.ok(record.body.length > 0, 'the right device releases it');
  assert.equal((await row()).device_tries_left, 3, 'a right answer resets the count');
  await card.client.abort({ certificate, releaseId });

  // A challenge older than 300 s is refused like a wrong answer; the third wrong try destroys the body.
  const stale = await card.client.challenge(certificate);
  clock.advance(301_000);
  await refused(release(device, stale), 'SAFE_DEVICE_MISMATCH', 2);
  await refused(release(other), 'SAFE_DEVICE_MISMATCH', 1);
  await refused(release(), 'SAFE_ESCROW_DESTROYED');
  const destroyed = await row();
  assert.deepEqual([destroyed.state, destroyed.body], ['destroyed', null]);
  await refused(release(device), 'SAFE_ESCROW_DESTROYED');
}
