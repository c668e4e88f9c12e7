/** The safe's engine over its `--db` URL, migrated (idempotent at every start). */
import { engineFor, migrate, type Engine } from '@phonesafe/server-kit';
import { safeMigrations } from './migrations.ts';

export async function openSafeStore(config: { db: string }): Promise<Engine> {
  const engine = engineFor(config.db);
  try {
    await migrate(engine, safeMigrations(engine.dialect));
  } catch (error) {
    await engine.db.destroy();
    throw error;
  }
  return engine;
}
