/**
 * docs/design/handset-storage.md stays true: its table of the database names
 * every table and column a freshly migrated handset.db has, and nothing
 * else; its table of the data directory names every path of layout.ts.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { HandsetDb } from '../src/db/database.ts';
import { layoutOf } from '../src/layout.ts';
import { tempDir } from '@phonesafe/testkit';

const DOC = new URL('../../../docs/design/handset-storage.md', import.meta.url);

/** The rows of the markdown table under `heading`: its first cell and, for the database, the backticked names of the second. */
function rows(doc: string, heading: string): Array<{ name: string; cells: string[] }> {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading));
  assert.ok(section, `no section ${heading}`);
  return section
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      return { name: /`([^`]+)`/.exec(cells[1]!)![1]!, cells: cells.slice(2) };
    });
}

test('every table and column of handset.db is in the storage document, and the document names no other', async (t) => {
  const doc = await readFile(DOC, 'utf8');
  const db = new HandsetDb(join(await tempDir(t, 'storage-doc'), 'handset.db'));
  t.after(() => db.close());
  const tables = db
    .all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .map(({ name }) => name);
  const schema = Object.fromEntries(
    tables.map((table) => [table, db.all<{ name: string }>(`PRAGMA table_info(${table})`).map(({ name }) => name)]),
  );
  const documented = Object.fromEntries(
    rows(doc, 'Database').map(({ name, cells }) => [name, [...cells[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)]),
  );
  assert.deepEqual(documented, schema);
});

test('every path of the data directory is in the storage document', async () => {
  const doc = await readFile(DOC, 'utf8');
  const documented = rows(doc, 'The data directory').map(({ name }) => name);
  const layout = layoutOf('/DIR');
  for (const path of [layout.database, layout.memory, layout.backupArea, layout.identity, layout.dataKey, layout.card]) {
    assert.ok(
      documented.some((entry) => entry === `DIR/${basename(path)}` || entry.startsWith(`DIR/${basename(path)}/`)),
      `${path} is not in the document`,
    );
  }
});
