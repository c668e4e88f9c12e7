/**
 * Issue 8 item 2: `center prune` runs beside a live center. Prune selects
 * the parts no backup references; a backup that a handset ends meanwhile
 * commits some of them. Prune must not delete those, and verify must walk
 * what committed backups reference. The center is a real process; prune
 * runs in this process on its own connection (SQLite: the same file;
 * PostgreSQL: its own pool), and the backup commits at the moment prune
 * deletes its first blob, after it chose what to delete. With the parts
 * sent as one batch they share a pack (storage-format.md, "Packs"), and the
 * backup commits as prune removes its first row; prune then repacks and
 * sweeps packs, and must leave the pack the committed parts live in. (It lived in the
 * CLI's tests because the center runs as a `phonesafe center` process; the
 * testkit starts that process for any package.)
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { encodePartBatch } from '@phonesafe/protocol';
import type { SealedPart } from '@phonesafe/protocol/node';
import { pgDatabase, startCenter, tempDir } from '@phonesafe/testkit';
import { LocalBlobStore } from '../src/blobs/local-blob-store.ts';
import { prune } from '../src/maintenance/prune.ts';
import { verifyStore } from '../src/maintenance/verify.ts';
import type { BlobStore } from '../src/blobs/blob-store.ts';
import { openStore, type Store } from '../src/center-store.ts';
import { call, enroll, expectStatus, newOwner, putPart, randomChunk, sealBackup } from './http-harness.ts';
import { remote } from './remote-harness.ts';

/** The blob store, except that its first deletion first runs `before`. */
function firstDeletionRuns(blobs: BlobStore, before: () => Promise<void>): BlobStore {
  let fired = false;
  return new Proxy(blobs, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property !== 'delete' && property !== 'deleteIfOlder') return value.bind(target);
      return async (...args: unknown[]) => {
        if (!fired) {
          fired = true;
          await before();
        }
        return value.apply(target, args);
      };
    },
  });
}

/** The store, except that its first prune removal of a part first runs `before`. */
function firstRemovalRuns(store: Store, before: () => Promise<void>): Store {
  let fired = false;
  const parts: Store['parts'] = {
    ...store.parts,
    removeIfUnreferenced: async (...args) => {
      if (!fired) {
        fired = true;
        await before();
      }
      return store.parts.removeIfUnreferenced(...args);
    },
  };
  return { ...store, parts } as Store;
}

async function scenario(t: TestContext, db: string | undefined, sent: 'one by one' | 'in a batch' = 'one by one'): Promise<void> {
  const root = await tempDir(t);
  const data = join(root, 'center');
  const center = await startCenter(t, data, 0, db ? { PHONESAFE_DB: db } : {});
  const api = remote(center.url);
  const owner = await newOwner(api);
  const phone = await enroll(api, owner, 'phone');
  const backup = sealBackup(owner.keys, phone.handsetId, { 'a.jpg': [randomChunk(3000), randomChunk(4000)], 'b.txt': [randomChunk(500)] });
  const referenced = [...backup.parts, backup.manifest];
  // A loose part that sorts before every part of the backup: prune reaches it first.
  let loose: SealedPart;
  do loose = owner.keys.sealPart(randomChunk(100), { compress: false });
  while (referenced.some((p) => p.id < loose.id));

  const start = await call(api, 'POST', '/v1/backups', { bearer: phone.credential, json: { kinds: ['media'] } });
  expectStatus(start, 201);
  const { backupId } = start.json<{ backupId: string }>();
  if (sent === 'one by one') for (const part of [...referenced, loose]) expectStatus(await putPart(api, phone.credential, part), 201);
  else {
    const batch = [...referenced, loose].map((p) => ({ ref: { id: p.id, size: p.bytes.length, sha256: p.sha256 }, bytes: p.bytes }));
    const res = await call(api, 'PUT', '/v1/parts', {
      bearer: phone.credential,
      body: encodePartBatch(batch),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expectStatus(res, 200);
  }

  const store = await openStore(db ?? `sqlite:${join(data, 'center.db')}`);
  t.after(() => store.close());
  const blobs = new LocalBlobStore(join(data, 'blobs'));
  let committed = 0;
  const endNotice = async () => {
    expectStatus(await call(api, 'POST', `/v1/backups/${backupId}/end`, { bearer: phone.credential, json: backup.notice }), 200);
    committed += 1;
  };
  // Every part is past the grace period (the bound is ahead of now); the open backup is not stale.
  const future = new Date(Date.now() + 3600_000).toISOString();
  const hooked =
    sent === 'one by one' ? { store, blobs: firstDeletionRuns(blobs, endNotice) } : { store: firstRemovalRuns(store, endNotice), blobs };
  // For packs, the files two hours on too: a pack no row names would go.
  const files = sent === 'in a batch' ? { clock: { now: () => new Date(Date.now() + 2 * 3600_000) } } : undefined;
  const report = await prune(hooked.store, hooked.blobs, {
    olderThan: future,
    staleOpenBefore: '2000-01-01T00:00:00.000Z',
    ...(files ? { files } : {}),
  });
  assert.equal(committed, 1, 'the backup committed while prune ran');
  assert.equal(report.removedParts, 1, 'only the loose part goes');
  if (sent === 'in a batch') {
    const rows = await Promise.all(referenced.map((p) => store.parts.find(owner.ownerId, p.id)));
    assert.equal(new Set(rows.map((row) => row?.pack?.id)).size, 1, 'the committed parts share one pack');
    assert.equal(report.removedPacks, 0);
  }

  for (const part of referenced) {
    const res = await call(api, 'GET', `/v1/parts/${part.id}`, { bearer: phone.credential });
    assert.equal(res.statusCode, 200, `part ${part.id} of the committed backup: ${res.body}`);
  }
  expectStatus(await call(api, 'GET', `/v1/parts/${loose.id}`, { bearer: phone.credential }), 404);
  assert.deepEqual((await verifyStore(store, blobs)).damaged, []);
}

describe('prune beside a live center', { timeout: 120_000 }, () => {
  it('SQLite: a backup that commits parts prune had selected keeps them', (t) => scenario(t, undefined));

  it('PostgreSQL: a backup that commits parts prune had selected keeps them', async (t) => {
    const database = await pgDatabase(t);
    await scenario(t, database.url);
  });

  it('SQLite: parts sent in one batch share a pack, and the pack stays for the backup that commits them', (t) =>
    scenario(t, undefined, 'in a batch'));

  it('PostgreSQL: parts sent in one batch share a pack, and the pack stays for the backup that commits them', async (t) => {
    const database = await pgDatabase(t);
    await scenario(t, database.url, 'in a batch');
  });
});
