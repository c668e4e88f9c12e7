/**
 * The engine named by the `--db` setting. `postgres://…` (or
 * `postgresql://…`) selects PostgreSQL; `sqlite:/abs/path/center.db` or a
 * plain file path selects SQLite.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { postgresEngine, sqliteEngine, type Engine } from './engine.ts';

export function engineFor(url: string): Engine {
  if (/^postgres(ql)?:\/\//.test(url)) return postgresEngine(url);
  const file = sqliteFileOf(url);
  if (file === null) return sqliteEngine(':memory:');
  // A folder made here is the owner's alone; one that exists (perhaps shared) is left as it is.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  return sqliteEngine(file);
}

/** The SQLite file a `--db` URL names (absolute), or null for PostgreSQL and `:memory:`. */
export function sqliteFileOf(url: string): string | null {
  if (/^postgres(ql)?:\/\//.test(url)) return null;
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  return path === ':memory:' ? null : resolve(path);
}
