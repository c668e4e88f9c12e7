/**
 * Owner authentication at the safe (V10) and its hard guess limit, on SQLite
 * and PostgreSQL: every wrong proof counts in the same transaction as the
 * comparison, parallel wrong tries cannot overspend, the 10th destroys the
 * owner's escrowed material, later tries answer that it is gone; a captured
 * proof cannot be replayed for another request. A dump of the database, and
 * of the whole data directory, holds no plaintext value and no PIN key.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { PhoneSafeError } from '@phonesafe/protocol';
import { SafeClient } from '@phonesafe/protocol/node';
import { pgDatabase, pgQuery, tempDir } from '@phonesafe/testkit';
import { runSafeAudit } from '../src/index.ts';
import { deposit, key, owner, proof, record, testCard, testSafe } from './helpers.ts';

const code = (c: string) => (error: unknown) => error instanceof PhoneSafeError && error.code === c;

async function guessLimit(t: TestContext, env: Record<string, string>): Promise<{ db: string }> {
  const safe = await testSafe(t, join(await tempDir(t, 'safe'), 's'), env);
  const card = testCard(t, safe);
  const { ownerRef, accessKey } = await owner(card);
  await assert.rejects(owner(card), code('SAFE_OWNER_EXISTS'));
  const certificate = await deposit(card, record(card, { pin: 'protected' }, { owner: ownerRef }));
  const release = (key32: Buffer) => {
    const nonce = SafeClient.nonce();
    return card.client.release({ certificate, releaseId: key(), proof: proof(card, key32, nonce) }, nonce);
  };
  await assert.rejects(card.client.release({ certificate, releaseId: key() }), code('UNAUTHENTICATED'), 'no proof, no try spent');
  // A right proof replayed for another request (another nonce) is a wrong try.
  const nonce = SafeClient.nonce();
  const captured = proof(card, accessKey, nonce);
  await assert.rejects(
    card.client.release({ certificate, releaseId: key(), proof: captured }),
    (e) => code('SAFE_PIN_MISMATCH')(e) && (e as PhoneSafeError).extra['triesLeft'] === 9,
  );
  // Eight wrong tries in parallel: exactly eight spent, none lost, none doubled.
  const parallel = await Promise.allSettled(Array.from({ length: 8 }, () => release(randomBytes(32))));
  const left = parallel.map((r) => (r.status === 'rejected' ? (r.reason as PhoneSafeError).extra['triesLeft'] : 'released')).sort();
  assert.deepEqual(left, [1, 2, 3, 4, 5, 6, 7, 8]);
  await assert.rejects(release(randomBytes(32)), code('SAFE_ESCROW_DESTROYED'), 'the 10th wrong try destroys');
  await assert.rejects(release(accessKey), code('SAFE_ESCROW_DESTROYED'), 'the 11th, even with the right PIN');
  const events = (await runSafeAudit({ db: safe.db })).map((e) => e.event);
  assert.equal(events.filter((e) => e === 'wrong-try').length, 9);
  assert.equal(events.filter((e) => e === 'destroy').length, 1);
  return { db: safe.db };
}

describe('owner authentication at the safe', () => {
  it('a right proof releases and resets the count; wrong ones count down', async (t) => {
    const safe = await testSafe(t, join(await tempDir(t, 'safe'), 's'));
    const card = testCard(t, safe);
    const { ownerRef, accessKey } = await owner(card);
    const certificate = await deposit(card, record(card, { v: 1 }, { owner: ownerRef }));
    const nonce = SafeClient.nonce();
    await assert.rejects(
      card.client.release({ certificate, releaseId: key(), proof: proof(card, randomBytes(32), nonce) }, nonce),
      code('SAFE_PIN_MISMATCH'),
    );
    const good = SafeClient.nonce();
    const releaseId = key();
    await card.client.release({ certificate, releaseId, proof: proof(card, accessKey, good) }, good);
    assert.equal(await card.client.confirm({ certificate, releaseId }), 'released');
  });

  it('on SQLite: 10 wrong tries destroy, parallel tries cannot overspend', async (t) => {
    const { db } = await guessLimit(t, {});
    const { sqliteRows } = await import('@phonesafe/testkit');
    const rows = sqliteRows<{ state: string; body: string | null }>(db.replace(/^sqlite:/, ''), 'select state, body from deposits');
    assert.deepEqual(
      rows.map((r) => ({ ...r })),
      [{ state: 'destroyed', body: null }],
    );
  });

  it('on PostgreSQL: the same', async (t) => {
    const database = await pgDatabase(t);
    await guessLimit(t, { PHONESAFE_SAFE_DB: database.url });
    const rows = await pgQuery<{ state: string; body: string | null }>(database.url, 'select state, body from deposits');
    assert.deepEqual(rows, [{ state: 'destroyed', body: null }]);
    const owners = await pgQuery<{ tries_left: number; verifier: string | null }>(database.url, 'select tries_left, verifier from owners');
    assert.deepEqual(owners, [{ tries_left: 0, verifier: null }]);
  });

  it('a dump of the database or of the whole data directory holds no plaintext value and no key that opens it', async (t) => {
    const dir = join(await tempDir(t, 'safe'), 's');
    const safe = await testSafe(t, dir);
    const card = testCard(t, safe);
    const { ownerRef, accessKey } = await owner(card);
    const marker = `PLAINTEXT-MARKER-${randomBytes(8).toString('hex')}`;
    await deposit(card, record(card, { secret: marker }, { owner: ownerRef }));
    await deposit(card, record(card, { secret: marker }));
    await safe.close();
    const needles = [
      Buffer.from(marker),
      card.keys.dekRoot,
      accessKey,
      Buffer.from(accessKey.toString('hex')),
      Buffer.from(accessKey.toString('base64url')),
    ];
    for (const name of await readdir(dir)) {
      const bytes = await readFile(join(dir, name));
      for (const needle of needles) assert.equal(bytes.indexOf(needle), -1, `${name} holds a secret`);
    }
  });
});
