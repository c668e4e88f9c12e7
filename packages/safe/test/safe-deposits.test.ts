/**
 * The safe over real HTTP on loopback: registration answers a certificate the
 * card can check, a retry gives the same one, release is two-phase and
 * exactly once for bearer value, forged and foreign certificates are refused,
 * bad input is 4xx problem+json with nothing stored.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PhoneSafeError, type Certificate } from '@phonesafe/protocol';
import { b64url, checkCertificate, fromB64url, openRecord, SafeClient } from '@phonesafe/protocol/node';
import { sqliteRows, tempDir } from '@phonesafe/testkit';
import { runSafeVerify } from '../src/index.ts';
import { deposit, key, record, testCard, testSafe, type TestCard, type Made } from './helpers.ts';

const code = (c: string) => (error: unknown) => error instanceof PhoneSafeError && error.code === c;

function check(card: TestCard, made: Made, certificate: Certificate) {
  return checkCertificate(certificate, { safeSignPub: card.safe.signPub, safeId: card.safe.safeId, card: card.keys, ...made });
}

function dbFile(db: string): string {
  return db.replace(/^sqlite:/, '');
}

describe('the safe: deposits and releases', () => {
  it('answers a certificate the card checks, the same one to a retry, and serials one by one', async (t) => {
    const safe = await testSafe(t, join(await tempDir(t, 'safe'), 's'));
    const card = testCard(t, safe);
    const made = record(card, { class: 'movie-ticket', name: 'A', unitPrice: 1600 });
    const depositKey = key();
    const certificate = await deposit(card, made, depositKey);
    const body = check(card, made, certificate);
    assert.equal(body.serial, 1);
    assert.equal(body.safe.url, safe.url);
    assert.deepEqual(body.digest, made.header.digest);
    assert.deepEqual(await deposit(card, made, depositKey), certificate, 'a retry answers the stored certificate');
    const other = record(card, { n: 2 });
    assert.equal(check(card, other, await deposit(card, other)).serial, 2);
    await assert.rejects(deposit(card, other, depositKey), code('SAFE_DEPOSIT_CONFLICT'));
    assert.equal(sqliteRows(dbFile(safe.db), 'select id from deposits').length, 2);
  });

  it('wraps the counter after its maximum; the hash and the full match still find each certificate its own deposit (FIG 4)', async (t) => {
    const safe = await testSafe(t, join(await tempDir(t, 'safe'), 's'), { PHONESAFE_SAFE_COUNTER_MAX: '2' });
    const card = testCard(t, safe);
    const made = Array.from({ length: 5 }, (_, i) => record(card, { n: i }));
    const certificates = [];
    for (const m of made) certificates.push(await deposit(card, m));
    assert.deepEqual(
      certificates.map((c, i) => check(card, made[i]!, c).serial),
      [1, 2, 0, 1, 2],
    );
    for (const [i, certificate] of certificates.entries()) {
      const released = await card.client.release({ certificate, releaseId: key() });
      assert.deepEqual(openRecord(card.keys, released, check(card, made[i]!, certificate)).value, made[i]!.value, `deposit ${i}`);
    }
  });

  it('releases a bearer deposit exactly once: two phases, the same release id again, a tombstone after', async (t) => {
    const safe = await testSafe(t, join(await tempDir(t, 'safe'), 's'));
    const card = testCard(t, safe);
    const copy = testCard(t, safe, undefined, undefined);
    const made = record(card, { class: 'movie-ticket', name: 'A' });
    const certificate = await deposit(card, made);
    const body = check(card, made, certificate);
    const releaseId = key();
    const released = await card.client.release({ certificate, releaseId });
    assert.deepEqual(openRecord(card.keys, released, body).value, made.value, 'byte for byte');
    assert.deepEqual(await card.client.release({ certificate, releaseId }), released, 'a lost answer is answered again');
    await assert.rejects(card.client.release({ certificate, releaseId: key() }), code('SAFE_RELEASE_PENDING'));
    await assert.rejects(copy.client.release({ certificate, releaseId: key() }), code('FORBIDDEN'), 'another card cannot use it');
    assert.equal(await card.client.confirm({ certificate, releaseId }), 'released');
    assert.equal(await card.client.confirm({ certificate, releaseId }), 'released', 'confirm is idempotent');
    await assert.rejects(card.client.release({ certificate, releaseId: key() }), code('SAFE_ALREADY_RECOVERED'));
    await assert.rejects(card.client.release({ certificate, releaseId }), code('SAFE_ALREADY_RECOVERED'));
    const [row] = sqliteRows<{ state: string; body: string | null }>(dbFile(safe.db), 'select state, body from deposits');
    assert.deepEqual({ ...row }, { state: 'released', body: null });
    assert.deepEqual(await runSafeVerify({ db: safe.db, data: safe.data }), { checked: 0, tombstones: 1, damaged: [] });
  });

  it('of twenty parallel releases of one certificate with different ids, exactly one wins', async (t) => {
    const safe = await testSafe(t, join(await tempDir(t, 'safe'), 's'));
    const card = testCard(t, safe);
    const certificate = await deposit(card, record(card, { v: 1 }));
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => card.client.release({ certificate, releaseId: key() })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(results.every((r) => r.status === 'fulfilled' || code('SAFE_RELEASE_PENDING')(r.reason)));
  });

  it('keeps a secret deposit after its release, and lets the owner withdraw it; a bearer one cannot be withdrawn', async (t) => {
    const safe = await testSafe(t, join(await tempDir(t, 'safe'), 's'));
    const card = testCard(t, safe);
    const secret = await deposit(card, record(card, { key: 'door' }, { semantics: 'secret' }));
    const releaseId = key();
    await card.client.release({ certificate: secret, releaseId });
    assert.equal(await card.client.confirm({ certificate: secret, releaseId }), 'deposited');
    await card.client.release({ certificate: secret, releaseId: key() });
    const bearer = await deposit(card, record(card, { yen: 800 }));
    await assert.rejects(card.client.withdraw(bearer), code('SAFE_WITHDRAW_REFUSED'));
    const other = await deposit(card, record(card, { key: 'car' }, { semantics: 'secret' }));
    assert.equal(await card.client.withdraw(other), 'released');
  });

  it('refuses a forged certificate, one with a changed digest, and one of another safe', async (t) => {
    const dir = await tempDir(t, 'safe');
    const safe = await testSafe(t, join(dir, 's'));
    const other = await testSafe(t, join(dir, 'o'));
    const card = testCard(t, safe);
    const made = record(card, { v: 1 });
    const certificate = await deposit(card, made);
    const body = JSON.parse(fromB64url(certificate.body).toString()) as Record<string, unknown>;
    const tampered = { ...certificate, body: b64url(Buffer.from(JSON.stringify({ ...body, digest: { class: 'concert-ticket' } }))) };
    await assert.rejects(card.client.release({ certificate: tampered, releaseId: key() }), code('SAFE_CERTIFICATE_INVALID'));
    assert.throws(() => check(card, made, tampered), code('SAFE_CERTIFICATE_INVALID'));
    const elsewhere = testCard(t, other, undefined, undefined);
    const foreign = await deposit(elsewhere, record(elsewhere, { v: 2 }));
    await assert.rejects(card.client.release({ certificate: foreign, releaseId: key() }), code('SAFE_CERTIFICATE_INVALID'));
    // The card's own check: a certificate signed by another key than the pinned one.
    assert.throws(
      () => checkCertificate(certificate, { safeSignPub: other.signPub, safeId: safe.safeId, card: card.keys, ...made }),
      code('SAFE_CERTIFICATE_INVALID'),
    );
    // A swapped ciphertext: the record's signed hash no longer matches, so nothing is stored.
    const swapped = { ...made.record, body: record(card, { v: 3 }).record.body };
    await assert.rejects(card.client.deposit({ depositKey: key(), record: swapped }), code('SAFE_RECORD_INVALID'));
    assert.equal(sqliteRows(dbFile(safe.db), 'select id from deposits').length, 1);
  });

  it('answers 4xx problem+json to malformed, unsigned, replayed and oversize requests, storing nothing', async (t) => {
    const safe = await testSafe(t, join(await tempDir(t, 'safe'), 's'), { PHONESAFE_SAFE_MAX_VALUE_BYTES: '1024' });
    const card = testCard(t, safe);
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(safe.url + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    for (const [body, headers, status, answer] of [
      ['{}', {}, 401, 'SAFE_REQUEST_INVALID'],
      ['not json', card.client.signedHeaders('POST', '/v1/deposits', 'x', SafeClient.nonce()), 400, 'BAD_REQUEST'],
      ['{"a":1}', card.client.signedHeaders('POST', '/v1/deposits', { a: 2 }, SafeClient.nonce()), 401, 'SAFE_REQUEST_INVALID'],
    ] as const) {
      const res = await post('/v1/deposits', body, headers);
      assert.equal(res.status, status, body);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(((await res.json()) as { code: string }).code, answer);
    }
    const json = { depositKey: 'short' };
    const headers = card.client.signedHeaders('POST', '/v1/deposits', json, SafeClient.nonce());
    assert.equal((await post('/v1/deposits', JSON.stringify(json), headers)).status, 400, 'signed but not the schema');
    assert.equal(
      ((await (await post('/v1/deposits', JSON.stringify(json), headers)).json()) as { code: string }).code,
      'SAFE_REQUEST_REPLAYED',
    );
    const big = record(card, { blob: 'x'.repeat(2000) });
    await assert.rejects(deposit(card, big), code('SAFE_VALUE_TOO_LARGE'));
    const late = testCard(t, safe, new (await import('@phonesafe/protocol')).ManualClock(new Date('2026-12-01T10:10:00Z')));
    await assert.rejects(deposit(late, record(late, { v: 1 })), code('SAFE_REQUEST_INVALID'), 'ten minutes off');
    assert.equal(sqliteRows(dbFile(safe.db), 'select id from deposits').length, 0);
  });
});
