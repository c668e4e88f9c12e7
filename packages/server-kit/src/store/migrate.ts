/** The migration runner: applies a server's pending migrations in order (its provider lists them, literal and frozen). */
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { Engine } from './engine.ts';

/** Applies pending migrations. Idempotent; safe to call at every start. */
export async function migrate(engine: Engine, provider: MigrationProvider): Promise<void> {
  const migrator = new Migrator({ db: engine.db, provider });
  const { error } = await migrator.migrateToLatest();
  if (error) throw asOpenFailure(error) ?? (error instanceof Error ? error : new Error(`migration failed: ${String(error)}`));
}

/** PostgreSQL's invalid_catalog_name: the database in the URL does not exist. */
const PG_NO_DATABASE = '3D000';

/** The failures of a first connection that are the operator's to fix, said so (the database is the first thing a start opens). */
function asOpenFailure(error: unknown): PhoneSafeError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const hint = 'check --db (or PHONESAFE_DB)';
  if (code === PG_NO_DATABASE) {
    const name = /database "([^"]+)"/.exec(String(message))?.[1] ?? 'named in the URL';
    return new PhoneSafeError(
      'USAGE',
      `the PostgreSQL database ${name} does not exist: create it first (\`createdb ${name}\`, or CREATE DATABASE in psql), or ${hint}`,
      {},
      { cause: error },
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') {
    return new PhoneSafeError(
      'UNAVAILABLE',
      `cannot reach the database server (${String(message)}): is PostgreSQL running there? ${hint}`,
      {},
      { cause: error },
    );
  }
  return undefined;
}
