/** The migration runner: applies a server's pending migrations in order (its provider lists them, literal and frozen). */
import { Migrator, type MigrationProvider } from 'kysely/migration';
import type { Engine } from './engine.ts';

/** Applies pending migrations. Idempotent; safe to call at every start. */
export async function migrate(engine: Engine, provider: MigrationProvider): Promise<void> {
  const migrator = new Migrator({ db: engine.db, provider });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${String(error)}`);
}
