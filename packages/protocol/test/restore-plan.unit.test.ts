import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeGenerations, type DataKind, type Generation, type Manifest, type ManifestFile } from '@phonesafe/protocol';

const SHA = 'a'.repeat(64);

function file(path: string, kind: DataKind, version = 1, itemId = `item:${path}`): ManifestFile {
  return { path, kind, itemId, version, size: 1, sha256: SHA, modifiedAt: '2026-01-01T00:00:00.000Z', parts: [] };
}

/** A generation committed at minute `minute`; `complete` absent for a manifest written before the field. */
function gen(backupId: string, minute: number, files: ManifestFile[], complete?: DataKind[]): Generation {
  const manifest: Manifest = {
    format: 'phonesafe-manifest',
    version: 1,
    handsetId: 'handset-1',
    handsetName: 'A',
    createdAt: '2026-01-01T00:00:00.000Z',
    kinds: [...new Set(files.map((f) => f.kind))],
    ...(complete ? { complete } : {}),
    files,
  };
  return { backupId, committedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(), manifest };
}

const picked = (generations: Generation[]) => composeGenerations(generations).map((c) => [c.file.path, c.file.version, c.backupId]);

test('the newest backup covering a kind completely decides its items; newer partial ones add and update', () => {
  const full = gen(
    'full',
    0,
    [file('contacts/a.vcf', 'contacts'), file('photos/1.jpg', 'media'), file('photos/2.jpg', 'media'), file('cal/w.ics', 'calendar')],
    ['contacts', 'media', 'calendar'],
  );
  const contacts = gen(
    'contacts',
    1,
    [file('contacts/a.vcf', 'contacts', 2), file('contacts/b.vcf', 'contacts'), file('photos/1.jpg', 'media')],
    ['contacts'],
  );
  const jpg = gen('jpg', 2, [file('photos/3.jpg', 'media'), file('photos/2.jpg', 'media', 2)], []);
  assert.deepEqual(picked([full, jpg, contacts]), [
    ['cal/w.ics', 1, 'full'],
    ['contacts/a.vcf', 2, 'contacts'],
    ['contacts/b.vcf', 1, 'contacts'],
    ['photos/1.jpg', 1, 'contacts'],
    ['photos/2.jpg', 2, 'jpg'],
    ['photos/3.jpg', 1, 'jpg'],
  ]);
});

test('an item absent from the newest complete backup of its kind was deleted: older backups do not bring it back', () => {
  const old = gen('old', 0, [file('contacts/gone.vcf', 'contacts'), file('contacts/kept.vcf', 'contacts')], ['contacts']);
  const newer = gen('newer', 1, [file('contacts/kept.vcf', 'contacts')], ['contacts']);
  assert.deepEqual(picked([old, newer]), [['contacts/kept.vcf', 1, 'newer']]);
});

test('where no backup covered a kind completely (manifests before the field), the newest version of every item seen counts', () => {
  const one = gen('one', 0, [file('notes/a.txt', 'other', 1), file('notes/b.txt', 'other', 3)]);
  const two = gen('two', 1, [file('notes/a.txt', 'other', 2)]);
  assert.deepEqual(picked([one, two]), [
    ['notes/a.txt', 2, 'two'],
    ['notes/b.txt', 3, 'one'],
  ]);
  assert.deepEqual(picked([]), []);
});

test('a path held by another item in a newer backup is that newer item', () => {
  const before = gen('before', 0, [file('notes/a.txt', 'other', 5, 'old-item')]);
  const after = gen('after', 1, [file('notes/a.txt', 'other', 1, 'new-item')]);
  assert.deepEqual(picked([before, after]), [['notes/a.txt', 1, 'after']]);
});
