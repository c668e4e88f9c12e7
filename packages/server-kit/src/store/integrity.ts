/**
 * The database's own integrity check (the center's Store.checkIntegrity, `center verify`), per dialect.
 * SQLite: `PRAGMA integrity_check`, which reads every page and index.
 * PostgreSQL: the amcheck extension, created if the role may (it needs a
 * superuser or an administrator who created it before): `bt_index_check` on
 * every B-tree index and `verify_heapam` on every table of the schema. Both
 * only read; neither repairs.
 */
import { sql } from 'kysely';
import type { Engine } from './engine.ts';

export interface DatabaseCheck {
  status: 'ok' | 'damaged' | 'skipped';
  /** What was checked and what it found, or why it was skipped. */
  detail: string;
}

/** Problems listed at most; a badly damaged database has thousands. */
const MAX_PROBLEMS = 20;

export function checkIntegrity(engine: Engine): Promise<DatabaseCheck> {
  return engine.dialect === 'sqlite' ? sqliteCheck(engine) : postgresCheck(engine);
}

async function sqliteCheck(engine: Engine): Promise<DatabaseCheck> {
  const { rows } = await sql<{ integrity_check: string }>`PRAGMA integrity_check(${sql.lit(MAX_PROBLEMS)})`.execute(engine.db);
  const lines = rows.map((row) => row.integrity_check);
  if (lines.length === 1 && lines[0] === 'ok') return { status: 'ok', detail: 'PRAGMA integrity_check: ok' };
  return { status: 'damaged', detail: `PRAGMA integrity_check: ${lines.join('; ')}` };
}

async function postgresCheck(engine: Engine): Promise<DatabaseCheck> {
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS amcheck`.execute(engine.db);
  } catch (error) {
    return { status: 'skipped', detail: `the amcheck extension cannot be created: ${(error as Error).message}` };
  }
  const { rows: indexes } = await sql<{ name: string }>`
    SELECT c.oid::regclass::text AS name FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE am.amname = 'btree' AND n.nspname = current_schema() ORDER BY 1`.execute(engine.db);
  const { rows: tables } = await sql<{ name: string }>`
    SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY 1`.execute(engine.db);
  const problems: string[] = [];
  try {
    for (const { name } of indexes) {
      try {
        await sql`SELECT bt_index_check(${name}::regclass)`.execute(engine.db);
      } catch (error) {
        if (isPermissionDenied(error)) throw error;
        problems.push(`index ${name}: ${(error as Error).message}`);
      }
    }
    for (const { name } of tables) {
      const { rows } = await sql<{ msg: string }>`SELECT msg FROM verify_heapam(${name}::regclass) LIMIT ${sql.lit(MAX_PROBLEMS)}`.execute(
        engine.db,
      );
      problems.push(...rows.map((row) => `table ${name}: ${row.msg}`));
    }
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    return { status: 'skipped', detail: `amcheck may not be run by this role: ${(error as Error).message}` };
  }
  if (problems.length > 0) return { status: 'damaged', detail: `amcheck: ${problems.slice(0, MAX_PROBLEMS).join('; ')}` };
  return { status: 'ok', detail: `amcheck: ${indexes.length} indexes and ${tables.length} tables checked` };
}

function isPermissionDenied(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '42501';
}
