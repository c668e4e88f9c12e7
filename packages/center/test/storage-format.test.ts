/**
 * docs/design/storage-format.md lists every table and column of the center's
 * database; this compares those lists with the schema the migrations make on
 * a fresh SQLite database and a fresh PostgreSQL one, so neither can drift.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pgDatabase } from '@phonesafe/testkit';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { centerStore, openStore } from '../src/center-store.ts';
import { postgresEngine } from '@phonesafe/server-kit';

type Schema = Record<string, string[]>;

/** Kysely's own bookkeeping, which the document mentions but does not list. */
const KYSELY_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

/** The `### \`table\`` sections of "## Database" and the `| \`column\` |` rows of each. */
async function documented(): Promise<Schema> {
  const text = await readFile(new URL('../../../docs/design/storage-format.md', import.meta.url), 'utf8');
  const database = text.slice(text.indexOf('## Database'), text.indexOf('\n## ', text.indexOf('## Database') + 1));
  const schema: Schema = {};
  let table: string | undefined;
  for (const line of database.split('\n')) {
    const heading = /^### `([a-z_]+)`/.exec(line);
    if (heading) schema[(table = heading[1]!)] = [];
    const row = /^\| `([a-z_0-9]+)` \|/.exec(line);
    if (row && table) schema[table]!.push(row[1]!);
  }
  return sorted(schema);
}

function sorted(schema: Schema): Schema {
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([name]) => !KYSELY_TABLES.has(name))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, columns]) => [name, [...columns].sort()]),
  );
}

describe('storage-format.md lists the schema', () => {
  it('every table and column of a fresh SQLite database, and nothing else', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'phonesafe-schema-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'center.db');
    await (await openStore(`sqlite:${file}`)).close();
    const db = new DatabaseSync(file);
    t.after(() => db.close());
    const schema: Schema = {};
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>) {
      schema[name] = (db.prepare(`PRAGMA table_info(${name})`).all() as Array<{ name: string }>).map((column) => column.name);
    }
    assert.deepEqual(sorted(schema), await documented());
  });

  it('every table and column of a fresh PostgreSQL database, and nothing else', async (t) => {
    const database = await pgDatabase();
    t.after(() => database.drop());
    const engine = postgresEngine(database.url);
    const store = centerStore(engine);
    t.after(() => store.close());
    await store.migrate();
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`.execute(engine.db);
    const schema: Schema = {};
    for (const row of rows) (schema[row.table_name] ??= []).push(row.column_name);
    assert.deepEqual(sorted(schema), await documented());
  });
});
