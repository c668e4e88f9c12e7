/**
 * Every refusal is a problem+json answer with its stable code, and leaves
 * nothing stored or committed (checked on the database and the blobs).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FORGET_AFTER_MS } from '../src/auth/lockout.ts';
import {
  call,
  enroll,
  expectProblem,
  expectStatus,
  newOwner,
  putPart,
  randomChunk,
  sealBackup,
  startHarness,
  type Harness,
  type SealedBackup,
  type TestOwner,
} from './http-harness.ts';

describe('HTTP API refusals', () => {
  let h: Harness;
  let owner: TestOwner;
  let phone: { handsetId: string; credential: string };
  let backup: SealedBackup;

  beforeEach(async () => {
    h = await startHarness({ maxPartBytes: 64 * 1024 });
    owner = await newOwner(h);
    phone = await enroll(h, owner, 'phone');
    backup = sealBackup(owner.keys, phone.handsetId, { 'a.jpg': [randomChunk(1000), randomChunk(2000)] });
  });
  afterEach(() => h.close());

  const openBackups = () => h.store.backups.listStaleOpen('9999-12-31T00:00:00.000Z');
  const startBackup = async () => {
    const res = await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['media'] } });
    expectStatus(res, 201);
    return res.json<{ backupId: string }>().backupId;
  };
  const sendAll = async () => {
    for (const part of [...backup.parts, backup.manifest]) expectStatus(await putPart(h, phone.credential, part), 201);
  };
  async function assertNothingCommitted(backupId: string): Promise<void> {
    assert.equal((await h.store.backups.find(owner.ownerId, backupId))?.status, 'open');
    assert.deepEqual(await h.store.backups.listCommitted(owner.ownerId), []);
    assert.deepEqual(await h.store.backups.files(backupId), []);
    assert.deepEqual(await h.store.backups.parts(backupId), []);
    assert.equal(
      (await h.store.history.list(owner.ownerId)).some((e) => e.event === 'backup-committed'),
      false,
    );
  }

  it('malformed JSON → BAD_REQUEST, no backup opened', async () => {
    const res = await call(h, 'POST', '/v1/backups', {
      bearer: phone.credential,
      body: '{"kinds": [',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 'BAD_REQUEST', 400);
    assert.deepEqual(await openBackups(), []);
  });

  it('schema violation → VALIDATION_FAILED naming the path, nothing stored', async () => {
    const res = await call(h, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['media', 'bogus'] } });
    const problem = expectProblem(res, 'VALIDATION_FAILED', 400);
    assert.match(problem.detail, /body\.kinds\.1/);
    assert.deepEqual(await openBackups(), []);

    const register = await call(h, 'POST', '/v1/owners', {
      json: { email: 'x@example.org', authKey: 'AAAA', kdf: {}, wrappedDataKey: '', admin: true },
    });
    expectProblem(register, 'VALIDATION_FAILED', 400);
    assert.equal(await h.store.owners.findByEmail('x@example.org'), undefined);

    expectProblem(await call(h, 'GET', '/v1/backups/not%20an%20id', { bearer: owner.token }), 'VALIDATION_FAILED', 400);
    expectProblem(await call(h, 'GET', '/v1/backups?handset=x&extra=1', { bearer: owner.token }), 'VALIDATION_FAILED', 400);
  });

  it('unknown handset id and wrong secret → the same UNAUTHENTICATED answer, nothing touched', async () => {
    const secret = phone.credential.split('.')[2]!;
    const unknownId = await call(h, 'POST', '/v1/backups', { bearer: `h1.AAAAAAAAAAAAAAAAAAAAAA.${secret}`, json: { kinds: ['media'] } });
    const wrongSecret = await call(h, 'POST', '/v1/backups', {
      bearer: `h1.${phone.handsetId}.${'A'.repeat(43)}`,
      json: { kinds: ['media'] },
    });
    expectProblem(unknownId, 'UNAUTHENTICATED', 401);
    expectProblem(wrongSecret, 'UNAUTHENTICATED', 401);
    assert.equal(unknownId.body, wrongSecret.body);
    expectProblem(await call(h, 'GET', '/v1/whoami'), 'UNAUTHENTICATED', 401);
    expectProblem(await call(h, 'GET', '/v1/whoami', { bearer: 'garbage' }), 'UNAUTHENTICATED', 401);
    const part = backup.parts[0]!;
    expectProblem(await putPart(h, `h1.${phone.handsetId}.${'A'.repeat(43)}`, part), 'UNAUTHENTICATED', 401);
    assert.equal(await h.blobs.has(owner.ownerId, part.id), false);
    assert.deepEqual(await openBackups(), []);
    assert.equal((await h.store.handsets.findById(phone.handsetId))?.lastSeenAt, null, 'a refused call is not "seen"');
  });

  it('an expired owner token → UNAUTHENTICATED; a credential of the wrong kind → FORBIDDEN', async () => {
    expectProblem(await call(h, 'POST', '/v1/backups', { bearer: owner.token, json: { kinds: ['media'] } }), 'FORBIDDEN', 403);
    expectProblem(await call(h, 'GET', '/v1/handsets', { bearer: phone.credential }), 'FORBIDDEN', 403);
    h.clock.advance(60 * 60 * 1000);
    expectProblem(await call(h, 'GET', '/v1/handsets', { bearer: owner.token }), 'UNAUTHENTICATED', 401);
  });

  it('login with a wrong key or an unknown e-mail → the same UNAUTHENTICATED answer', async () => {
    const wrongKey = await call(h, 'POST', '/v1/owners/login', {
      json: { email: owner.email, authKey: Buffer.alloc(32).toString('base64') },
    });
    const unknown = await call(h, 'POST', '/v1/owners/login', { json: { email: 'nobody@example.org', authKey: owner.authKey } });
    expectProblem(wrongKey, 'UNAUTHENTICATED', 401);
    expectProblem(unknown, 'UNAUTHENTICATED', 401);
    assert.equal(wrongKey.body, unknown.body);
  });

  it('5 wrong passwords lock the address for 15 minutes, alike for an unknown e-mail; the owner is told; tries a day old are forgotten', async () => {
    const login = (email: string, authKey: string) => call(h, 'POST', '/v1/owners/login', { json: { email, authKey } });
    const wrong = Buffer.alloc(32).toString('base64');
    const nobody = 'nobody@example.org';
    for (let i = 1; i <= 5; i++) {
      const a = await login(owner.email, wrong);
      const b = await login(nobody, wrong);
      expectProblem(a, 'UNAUTHENTICATED', 401);
      assert.equal(a.body, b.body, `try ${i} answers alike`);
    }
    // Locked now, even for the right password; the unknown address answers the same.
    const locked = expectProblem(await login(owner.email, owner.authKey), 'LOCKED', 429);
    expectProblem(await login(nobody, owner.authKey), 'LOCKED', 429);
    assert.equal(locked.extra['lockedUntil'], new Date(h.clock.now().getTime() + 15 * 60_000).toISOString());
    const notices = (await h.store.notices.list(owner.ownerId)).filter((n) => n.kind === 'login-locked');
    assert.equal(notices.length, 1);
    assert.ok(!notices[0]?.message.includes(owner.authKey));

    h.clock.advance(15 * 60_000);
    // The lock lifts; a right password forgets the wrong ones.
    expectStatus(await login(owner.email, owner.authKey), 200);
    assert.equal(await h.store.wrongTries.find(`login:${owner.email}`), undefined);
    // Four wrong tries, a day, four more: still no lock, and the sweep leaves no counter behind.
    for (let i = 0; i < 4; i++) expectProblem(await login(nobody, wrong), 'UNAUTHENTICATED', 401);
    h.clock.advance(FORGET_AFTER_MS + 1000);
    for (let i = 0; i < 4; i++) expectProblem(await login(nobody, wrong), 'UNAUTHENTICATED', 401);
    h.clock.advance(FORGET_AFTER_MS + 1000);
    await h.scheduler.tick();
    assert.equal(await h.store.wrongTries.find(`login:${nobody}`), undefined);
  });

  // Registering a taken e-mail is answered like a new one (owner-registration.test.ts).
  it('a handset name twice → HANDSET_NAME_TAKEN', async () => {
    expectProblem(await call(h, 'POST', '/v1/handsets', { bearer: owner.token, json: { name: 'phone' } }), 'HANDSET_NAME_TAKEN', 409);
    assert.equal((await h.store.handsets.listByOwner(owner.ownerId)).length, 1);
  });

  it('part bytes not matching x-phonesafe-sha256 → PART_HASH_MISMATCH, no blob, no row', async () => {
    const part = backup.parts[0]!;
    const res = await putPart(h, phone.credential, part, backup.parts[1]!.sha256);
    expectProblem(res, 'PART_HASH_MISMATCH', 422);
    assert.equal(await h.store.parts.find(owner.ownerId, part.id), undefined);
    assert.equal(await h.blobs.has(owner.ownerId, part.id), false);
  });

  it('a part over the size limit → PART_TOO_LARGE, no blob, no row', async () => {
    const big = owner.keys.sealPart(randomChunk(64 * 1024), { compress: false });
    const res = await putPart(h, phone.credential, big);
    expectProblem(res, 'PART_TOO_LARGE', 413);
    assert.equal(await h.store.parts.find(owner.ownerId, big.id), undefined);
    assert.equal(await h.blobs.has(owner.ownerId, big.id), false);
  });

  it('a JSON body over the 64 MiB limit → BODY_TOO_LARGE, refused on its content-length', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/parts/missing',
      headers: {
        authorization: `Bearer ${phone.credential}`,
        'content-type': 'application/json',
        'content-length': String(64 * 1024 * 1024 + 1),
      },
      payload: '{"ids":[]}',
    });
    const problem = expectProblem(res, 'BODY_TOO_LARGE', 413);
    assert.match(problem.detail, /larger than 67108864 bytes/);
  });

  it('a part sent as JSON or without the hash header is refused', async () => {
    const part = backup.parts[0]!;
    const json = await call(h, 'PUT', `/v1/parts/${part.id}`, {
      bearer: phone.credential,
      json: { bytes: 'x' },
      headers: { 'x-phonesafe-sha256': part.sha256 },
    });
    expectProblem(json, 'UNSUPPORTED_MEDIA_TYPE', 415);
    const noHeader = await call(h, 'PUT', `/v1/parts/${part.id}`, {
      bearer: phone.credential,
      body: part.bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expectProblem(noHeader, 'VALIDATION_FAILED', 400);
    assert.equal(await h.store.parts.find(owner.ownerId, part.id), undefined);
  });

  it('other bytes under a stored part id → PART_CONFLICT, the stored part unchanged', async () => {
    const part = backup.parts[0]!;
    expectStatus(await putPart(h, phone.credential, part), 201);
    const resealed = owner.keys.sealPart(owner.keys.openPart(part.id, part.bytes), { compress: false });
    assert.notEqual(resealed.sha256, part.sha256, 'sealing uses a fresh nonce');
    expectProblem(await putPart(h, phone.credential, resealed), 'PART_CONFLICT', 409);
    assert.equal((await h.store.parts.find(owner.ownerId, part.id))?.sha256, part.sha256);
  });

  it('an end notice naming parts never sent → PART_MISSING, nothing committed', async () => {
    const backupId = await startBackup();
    expectStatus(await putPart(h, phone.credential, backup.manifest), 201);
    const res = await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: backup.notice });
    const problem = expectProblem(res, 'PART_MISSING', 422);
    assert.deepEqual(new Set(problem.extra['missing'] as string[]), new Set(backup.parts.map((part) => part.id)));
    await assertNothingCommitted(backupId);
  });

  it('an end notice whose file sizes do not add up → END_NOTICE_MISMATCH, nothing committed', async () => {
    const backupId = await startBackup();
    await sendAll();
    const notice = { ...backup.notice, files: backup.notice.files.map((file) => ({ ...file, size: file.size + 1 })) };
    expectProblem(
      await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: notice }),
      'END_NOTICE_MISMATCH',
      422,
    );
    await assertNothingCommitted(backupId);
  });

  it('a second end notice → BACKUP_NOT_OPEN, the first commit unchanged', async () => {
    const backupId = await startBackup();
    await sendAll();
    expectStatus(await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: backup.notice }), 200);
    h.clock.advance(1000);
    const again = await call(h, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: backup.notice });
    expectProblem(again, 'BACKUP_NOT_OPEN', 409);
    const committed = await h.store.backups.listCommitted(owner.ownerId);
    assert.equal(committed.length, 1);
    assert.equal(committed[0]!.committedAt, '2026-03-02T10:00:00.000Z');
    assert.equal((await h.store.history.list(owner.ownerId)).filter((e) => e.event === 'backup-committed').length, 1);
  });

  it('unknown endpoint → NOT_FOUND as problem+json', async () => {
    expectProblem(await call(h, 'GET', '/v1/nothing-here'), 'NOT_FOUND', 404);
    expectProblem(await call(h, 'PATCH', '/v1/backups'), 'NOT_FOUND', 404);
  });

  const blobPath = (id: string) => {
    const part = [...backup.parts, backup.manifest].find((p) => p.id === id)!;
    return join(h.data, 'blobs', owner.ownerId, id.slice(0, 2), `${id}.${part.sha256}`);
  };

  it('a flipped byte in a stored blob → PART_DAMAGED; a vanished blob too', async () => {
    await sendAll();
    const [first, second] = [backup.parts[0]!, backup.parts[1]!];
    const bytes = await readFile(blobPath(first.id));
    bytes[40] = bytes[40]! ^ 0x01;
    await writeFile(blobPath(first.id), bytes); // bit rot, behind the store's back
    const damaged = await call(h, 'GET', `/v1/parts/${first.id}`, { bearer: phone.credential });
    expectProblem(damaged, 'PART_DAMAGED', 500);
    assert.equal(damaged.rawPayload.includes(bytes.subarray(0, 40)), false, 'no damaged bytes are sent');

    await rm(blobPath(second.id));
    expectProblem(await call(h, 'GET', `/v1/parts/${second.id}`, { bearer: phone.credential }), 'PART_DAMAGED', 500);
  });

  it('an unexpected failure → INTERNAL without internals', async () => {
    await sendAll();
    const part = backup.parts[0]!;
    // A directory where the blob should be: reading fails with EISDIR, which no service expects.
    await rm(blobPath(part.id));
    await mkdir(blobPath(part.id));
    const problem = expectProblem(await call(h, 'GET', `/v1/parts/${part.id}`, { bearer: owner.token }), 'INTERNAL', 500);
    assert.doesNotMatch(problem.detail, /EISDIR|blobs|\//);
    assert.deepEqual(problem.extra, {});
    assert.match(h.logs.join(''), /EISDIR/, 'the cause is logged for the operator');
  });
});
