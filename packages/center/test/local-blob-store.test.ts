import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { LocalBlobStore } from '../src/blobs/local-blob-store.ts';
import { all, registerBlobStoreConformance } from './blob-store-conformance.ts';
import { sha256 } from './store-fixtures.ts';

const OWNER = 'owner-0001';
const ID = sha256('some part');
const ONE = new Uint8Array([1, 2, 3]);
const TWO = new Uint8Array([9]);
const key = (bytes: Uint8Array) => ({ ownerId: OWNER, id: ID, sha256: sha256(bytes) });
const anHourAgo = () => new Date(Date.now() - 3600_000);
let dir: string;
let root: string;
let blobs: LocalBlobStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonesafe-blobs-'));
  root = join(dir, 'blobs');
  blobs = new LocalBlobStore(root);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

registerBlobStoreConformance('local files', async () => {
  const at = await mkdtemp(join(tmpdir(), 'phonesafe-blobs-'));
  const local = join(at, 'blobs');
  const fan = (ownerId: string, id: string) => join(local, ownerId, id.slice(0, 2));
  return {
    blobs: new LocalBlobStore(local),
    age: async (name) =>
      utimes(join(fan(name.ownerId, name.id), name.sha256 === null ? name.id : `${name.id}.${name.sha256}`), anHourAgo(), anHourAgo()),
    writeLegacy: async (ownerId, id, bytes) => {
      await mkdir(fan(ownerId, id), { recursive: true });
      await writeFile(join(fan(ownerId, id), id), bytes);
    },
    // A plain file where the owner's directory belongs makes the rename step fail.
    breakPuts: async (ownerId) => {
      await mkdir(local, { recursive: true });
      await writeFile(join(local, ownerId), 'in the way');
      return () => rm(join(local, ownerId));
    },
    cleanup: () => rm(at, { recursive: true, force: true }),
  };
});

test('put stores the bytes under owner/fan-out/id.sha256 and leaves no temporary file', async () => {
  const bytes = new TextEncoder().encode('sealed bytes');
  await blobs.put(key(bytes), bytes);
  assert.deepEqual(await readFile(join(root, OWNER, ID.slice(0, 2), `${ID}.${sha256(bytes)}`)), Buffer.from(bytes));
  assert.deepEqual(await blobs.get(key(bytes)), bytes);
  assert.equal(await blobs.has(OWNER, ID), true);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
});

test('two byte strings of one part id are two files in one fan-out directory, and no temporary file stays', async () => {
  await blobs.put(key(ONE), ONE);
  await blobs.put(key(TWO), TWO);
  await blobs.put(key(ONE), ONE);
  assert.deepEqual((await readdir(join(root, OWNER, ID.slice(0, 2)))).sort(), [`${ID}.${sha256(ONE)}`, `${ID}.${sha256(TWO)}`].sort());
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
});

test('a put that fails at the rename leaves no temporary file', async () => {
  // A plain file where the owner's directory belongs makes the rename step fail.
  await mkdir(root, { recursive: true });
  await writeFile(join(root, OWNER), 'in the way');
  await assert.rejects(blobs.put(key(ONE), ONE));
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  await rm(join(root, OWNER));
  assert.equal(await blobs.has(OWNER, ID), false);
});

test('deleteIfOlder sets the blob aside in tmp/ and leaves nothing there, deleted or put back', async () => {
  await blobs.put(key(ONE), ONE);
  await blobs.put(key(TWO), TWO);
  const path = join(root, OWNER, ID.slice(0, 2), `${ID}.${sha256(ONE)}`);
  await utimes(path, anHourAgo(), anHourAgo());
  const bound = new Date(Date.now() - 60_000).toISOString();
  assert.equal(await blobs.deleteIfOlder(key(ONE), bound), true);
  assert.equal(await blobs.deleteIfOlder(key(TWO), bound), false);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  assert.deepEqual(await readdir(join(root, OWNER, ID.slice(0, 2))), [`${ID}.${sha256(TWO)}`]);
});

test('list answers every blob with its write time, and skips temporary files and strangers', async () => {
  const other = sha256('other part');
  await blobs.put(key(ONE), ONE);
  await blobs.put({ ownerId: 'owner-0002', id: other, sha256: sha256(TWO) }, TWO);
  await writeFile(join(root, 'tmp', 'x'), 'partial');
  await writeFile(join(root, OWNER, ID.slice(0, 2), 'README'), 'not a blob');
  const listed = await all(blobs.list());
  assert.deepEqual(
    listed.map(({ ownerId, id, sha256: hash }) => ({ ownerId, id, sha256: hash })).sort((a, b) => a.ownerId.localeCompare(b.ownerId)),
    [
      { ownerId: OWNER, id: ID, sha256: sha256(ONE) },
      { ownerId: 'owner-0002', id: other, sha256: sha256(TWO) },
    ],
  );
  for (const entry of listed) assert.ok(Math.abs(Date.parse(entry.writtenAt) - Date.now()) < 3600_000);
});

test('cleanTemporary removes leftovers older than its bound and counts them', async () => {
  assert.equal(await blobs.cleanTemporary(new Date().toISOString()), 0);
  await blobs.put(key(ONE), ONE);
  for (const name of ['crashed-1', 'crashed-2', 'in-flight']) await writeFile(join(root, 'tmp', name), 'partial');
  for (const name of ['crashed-1', 'crashed-2']) await utimes(join(root, 'tmp', name), anHourAgo(), anHourAgo());
  assert.equal(await blobs.cleanTemporary(new Date(Date.now() - 60_000).toISOString()), 2);
  assert.deepEqual(await readdir(join(root, 'tmp')), ['in-flight']);
  assert.equal(await blobs.has(OWNER, ID), true);
});

test('probe: writable with free bytes; not writable names the error code only', async () => {
  const probe = await blobs.probe();
  assert.equal(probe.writable, true);
  assert.ok(probe.freeBytes !== null && probe.freeBytes > 0);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  await writeFile(join(dir, 'file'), 'x');
  const broken = await new LocalBlobStore(join(dir, 'file', 'blobs')).probe();
  assert.equal(broken.writable, false);
  assert.match(broken.problem ?? '', /^E[A-Z]+$/);
});

test('ids that could leave the root are refused before touching the disk', async () => {
  const bad: Array<[string, string]> = [
    ['../../etc', ID],
    ['tmp', ID],
    [`${OWNER}/..`, ID],
    [OWNER, `../${ID.slice(3)}`],
    [OWNER, ID.toUpperCase()],
    [OWNER, `${ID}/x`],
    [OWNER, ''],
  ];
  for (const [ownerId, id] of bad) {
    const name = { ownerId, id, sha256: sha256(ONE) };
    await assert.rejects(blobs.put(name, ONE), { code: 'VALIDATION_FAILED' });
    await assert.rejects(blobs.get(name), { code: 'VALIDATION_FAILED' });
    await assert.rejects(blobs.delete(name), { code: 'VALIDATION_FAILED' });
  }
  await assert.rejects(blobs.put({ ownerId: OWNER, id: ID, sha256: '../x' }, ONE), { code: 'VALIDATION_FAILED' });
  assert.deepEqual(await readdir(dir), []);
});
