import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { LocalBlobStore } from '../src/blobs/local-blob-store.ts';
import { sha256 } from './store-fixtures.ts';

const OWNER = 'owner-0001';
const ID = sha256('some part');
let dir: string;
let root: string;
let blobs: LocalBlobStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phonesafe-blobs-'));
  root = join(dir, 'blobs');
  blobs = new LocalBlobStore(root);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

test('put stores the bytes under owner/fan-out/id and leaves no temporary file', async () => {
  const bytes = new TextEncoder().encode('sealed bytes');
  await blobs.put(OWNER, ID, bytes);
  assert.deepEqual(await readFile(join(root, OWNER, ID.slice(0, 2), ID)), Buffer.from(bytes));
  assert.deepEqual(await blobs.get(OWNER, ID), bytes);
  assert.equal(await blobs.has(OWNER, ID), true);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
});

test('put of an existing key replaces it whole and leaves no temporary file', async () => {
  await blobs.put(OWNER, ID, new Uint8Array([1, 2, 3]));
  await blobs.put(OWNER, ID, new Uint8Array([9]));
  assert.deepEqual(await blobs.get(OWNER, ID), new Uint8Array([9]));
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
});

test('a failed put leaves neither the blob nor a temporary file', async () => {
  // A plain file where the owner's directory belongs makes the rename step fail.
  await mkdir(root, { recursive: true });
  await writeFile(join(root, OWNER), 'in the way');
  await assert.rejects(blobs.put(OWNER, ID, new Uint8Array([1])));
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  await rm(join(root, OWNER));
  assert.equal(await blobs.has(OWNER, ID), false);
});

test('get and has of an absent blob; delete is idempotent', async () => {
  assert.equal(await blobs.get(OWNER, ID), undefined);
  assert.equal(await blobs.has(OWNER, ID), false);
  await blobs.put(OWNER, ID, new Uint8Array([1]));
  await blobs.delete(OWNER, ID);
  await blobs.delete(OWNER, ID);
  assert.equal(await blobs.get(OWNER, ID), undefined);
});

test('cleanTemporary removes leftovers and counts them', async () => {
  assert.equal(await blobs.cleanTemporary(), 0);
  await blobs.put(OWNER, ID, new Uint8Array([1]));
  await writeFile(join(root, 'tmp', 'crashed-1'), 'partial');
  await writeFile(join(root, 'tmp', 'crashed-2'), 'partial');
  assert.equal(await blobs.cleanTemporary(), 2);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  assert.equal(await blobs.has(OWNER, ID), true);
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
    await assert.rejects(blobs.put(ownerId, id, new Uint8Array([1])), { code: 'VALIDATION_FAILED' });
    await assert.rejects(blobs.get(ownerId, id), { code: 'VALIDATION_FAILED' });
    await assert.rejects(blobs.delete(ownerId, id), { code: 'VALIDATION_FAILED' });
  }
  assert.deepEqual(await readdir(dir), []);
});
