import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindOfPath } from '@phonesafe/protocol';

test('kinds come from the folder first, then the extension', () => {
  const cases: Array<[string, string]> = [
    ['contacts/alice.vcf', 'contacts'],
    ['Alice.VCF', 'contacts'],
    ['calendar/2026.ics', 'calendar'],
    ['inbox/0001.eml', 'mail'],
    ['DCIM/IMG_0001.JPG', 'media'],
    ['music/song.mp3', 'media'],
    ['bookmarks.html', 'bookmarks'],
    ['browser/Bookmarks.html', 'bookmarks'],
    ['apps/game.apk', 'apps'],
    ['apps/game/save.dat', 'apps'],
    ['notes/todo.txt', 'other'],
    ['README', 'other'],
    ['media/readme.txt', 'media'],
  ];
  for (const [path, kind] of cases) assert.equal(kindOfPath(path), kind, path);
});
