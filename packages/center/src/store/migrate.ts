/** The migration runner: applies the pending ones of `migrations/` (index.ts) in order. */
import { Migrator } from 'kysely/migration';
import type { Engine } from './engine.ts';
import { migrationProvider } from './migrations/index.ts';

/** Applies pending migrations. Idempotent; safe to call at every start. */
export async function migrate(engine: Engine): Promise<void> {
  const migrator = new Migrator({ db: engine.db, provider: migrationProvider(engine.dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${String(error)}`);
}
