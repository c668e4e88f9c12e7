/**
 * The properties every BlobStore adapter keeps (src/blobs/blob-store.ts),
 * as one suite each adapter's test file registers with a fixture: the local
 * files today (local-blob-store.test.ts), an object store later. The fixture
 * does what the port cannot (age a blob, write a legacy one, make a put fail);
 * everything else goes through the port.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { BlobEntry, BlobName, BlobStore } from '../src/blobs/blob-store.ts';
import { sha256 } from './store-fixtures.ts';

export interface BlobStoreFixture {
  blobs: BlobStore;
  /** Makes the blob's write time an hour old, as if written then. */
  age(name: BlobName): Promise<void>;
  /** Stores a legacy blob (named by part id only), as a center before hashed names did: the port never writes one. */
  writeLegacy(ownerId: string, id: string, bytes: Uint8Array): Promise<void>;
  /** Makes every put for `ownerId` fail after it began writing, until the answered function undoes it. */
  breakPuts(ownerId: string): Promise<() => Promise<void>>;
  cleanup(): Promise<void>;
}

const OWNER = 'owner-0001';
const OTHER = 'owner-0002';
const ID = sha256('some part');
const ONE = new Uint8Array([1, 2, 3]);
const TWO = new Uint8Array([9]);
const key = (bytes: Uint8Array, ownerId = OWNER, id = ID) => ({ ownerId, id, sha256: sha256(bytes) });

export async function all(entries: AsyncIterable<BlobEntry>): Promise<BlobEntry[]> {
  const out: BlobEntry[] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

export function registerBlobStoreConformance(name: string, make: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore conformance: ${name}`, () => {
    let f: BlobStoreFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(() => f.cleanup());

    test('a put blob reads back whole, is had, and is listed with its write time', async () => {
      const bytes = new TextEncoder().encode('sealed bytes');
      await f.blobs.put(key(bytes), bytes);
      assert.deepEqual(await f.blobs.get(key(bytes)), bytes);
      assert.equal(await f.blobs.has(OWNER, ID), true);
      const [entry, ...more] = await all(f.blobs.list());
      assert.deepEqual(more, []);
      assert.deepEqual({ ...entry, writtenAt: undefined }, { ...key(bytes), writtenAt: undefined });
      assert.ok(Math.abs(Date.parse(entry?.writtenAt ?? '') - Date.now()) < 3600_000);
    });

    test('idempotent: the same bytes put again change nothing; other bytes of one id get their own name', async () => {
      await f.blobs.put(key(ONE), ONE);
      await Promise.all([f.blobs.put(key(TWO), TWO), f.blobs.put(key(ONE), ONE)]);
      assert.deepEqual(await f.blobs.get(key(ONE)), ONE);
      assert.deepEqual(await f.blobs.get(key(TWO)), TWO);
      assert.deepEqual((await all(f.blobs.list())).map((e) => e.sha256).sort(), [sha256(ONE), sha256(TWO)].sort());
    });

    test('concurrent puts of one id never replace one another, and a reader sees a whole blob or none', async () => {
      const versions = Array.from({ length: 8 }, (_, i) => new Uint8Array(64 * 1024).fill(i + 1));
      const reads: Array<Promise<Uint8Array | undefined>> = [];
      await Promise.all(
        versions.map(async (bytes) => {
          reads.push(f.blobs.get(key(bytes)));
          await f.blobs.put(key(bytes), bytes);
          reads.push(f.blobs.get(key(bytes)));
        }),
      );
      for (const bytes of versions) assert.deepEqual(await f.blobs.get(key(bytes)), bytes);
      for (const read of await Promise.all(reads)) {
        if (read)
          assert.ok(
            versions.some((bytes) => Buffer.from(bytes).equals(Buffer.from(read))),
            'a read answered a whole version',
          );
      }
    });

    test('absent blobs: get answers undefined, has false; delete is idempotent and deletes exactly its name', async () => {
      assert.equal(await f.blobs.get(key(ONE)), undefined);
      assert.equal(await f.blobs.has(OWNER, ID), false);
      await f.blobs.delete(key(ONE));
      await f.blobs.put(key(ONE), ONE);
      await f.blobs.put(key(TWO), TWO);
      await f.blobs.put(key(ONE, OTHER), ONE);
      await f.blobs.delete(key(ONE));
      await f.blobs.delete(key(ONE));
      assert.equal(await f.blobs.get(key(ONE)), undefined);
      assert.deepEqual(await f.blobs.get(key(TWO)), TWO);
      assert.deepEqual(await f.blobs.get(key(ONE, OTHER)), ONE, "another owner's blob of the same id and bytes stays");
    });

    test('deleteIfOlder deletes a blob written before its bound and keeps one written after', async () => {
      await f.blobs.put(key(ONE), ONE);
      await f.blobs.put(key(TWO), TWO);
      await f.age(key(ONE));
      const bound = new Date(Date.now() - 60_000).toISOString();
      assert.equal(await f.blobs.deleteIfOlder(key(ONE), bound), true);
      assert.equal(await f.blobs.deleteIfOlder(key(TWO), bound), false);
      assert.equal(await f.blobs.deleteIfOlder(key(ONE), bound), false, 'already gone');
      assert.equal(await f.blobs.get(key(ONE)), undefined);
      assert.deepEqual(await f.blobs.get(key(TWO)), TWO);
      await f.blobs.put(key(ONE), ONE);
      assert.equal(await f.blobs.deleteIfOlder(key(ONE), bound), false, 'a put after the bound is new again');
    });

    test('a legacy blob is read when no hash-named one exists, listed as legacy, and deleted by its name', async () => {
      await f.writeLegacy(OWNER, ID, ONE);
      assert.deepEqual(await f.blobs.get(key(ONE)), ONE);
      assert.equal(await f.blobs.has(OWNER, ID), true);
      await f.blobs.put(key(TWO), TWO);
      assert.deepEqual(await f.blobs.get(key(TWO)), TWO, 'the hash-named blob wins');
      assert.deepEqual((await all(f.blobs.list())).map((e) => e.sha256).sort(), [sha256(TWO), null].sort());
      await f.blobs.delete({ ownerId: OWNER, id: ID, sha256: null });
      assert.equal(await f.blobs.get(key(ONE)), undefined);
    });

    test('a failed put leaves nothing behind', async () => {
      const undo = await f.breakPuts(OWNER);
      await assert.rejects(f.blobs.put(key(ONE), ONE));
      await undo();
      assert.equal(await f.blobs.has(OWNER, ID), false);
      assert.equal(await f.blobs.get(key(ONE)), undefined);
      assert.deepEqual(await all(f.blobs.list()), []);
    });

    test('probe: a store that takes blobs says it is writable', async () => {
      const probe = await f.blobs.probe();
      assert.equal(probe.writable, true);
      assert.ok(probe.freeBytes === null || probe.freeBytes > 0);
    });
  });
}
