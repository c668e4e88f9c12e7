/** The `Store` both dialects share: repositories over one Kysely instance. */
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Engine } from './engine.ts';
import { checkIntegrity } from './integrity.ts';
import { migrationProvider } from './migrations/index.ts';
import { backupRepo } from './repos/backup-repo.ts';
import { handsetRepo } from './repos/handset-repo.ts';
import { historyRepo } from './repos/history-repo.ts';
import { jobRepo } from './repos/job-repo.ts';
import { noticeRepo } from './repos/notice-repo.ts';
import { ownerRepo } from './repos/owner-repo.ts';
import { partRepo } from './repos/part-repo.ts';
import { rescueAuditRepo } from './repos/rescue-audit-repo.ts';
import { rescueCodeRepo } from './repos/rescue-code-repo.ts';
import { rescueRepo } from './repos/rescue-repo.ts';
import { restoreRepo } from './repos/restore-repo.ts';
import { scheduleRepo } from './repos/schedule-repo.ts';
import { wrongTryRepo } from './repos/wrong-try-repo.ts';
import type { Store } from './store.ts';

export function kyselyStore(engine: Engine): Store {
  return {
    dialect: engine.dialect,
    owners: ownerRepo(engine),
    handsets: handsetRepo(engine),
    parts: partRepo(engine),
    backups: backupRepo(engine),
    restores: restoreRepo(engine),
    history: historyRepo(engine),
    schedules: scheduleRepo(engine),
    jobs: jobRepo(engine),
    notices: noticeRepo(engine),
    rescues: rescueRepo(engine),
    rescueCodes: rescueCodeRepo(engine),
    rescueAudit: rescueAuditRepo(engine),
    wrongTries: wrongTryRepo(engine),

    async migrate() {
      const migrator = new Migrator({ db: engine.db, provider: migrationProvider(engine.dialect) });
      const { error } = await migrator.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(`migration failed: ${String(error)}`);
    },

    async ping() {
      await sql`SELECT 1`.execute(engine.db);
    },

    checkIntegrity: () => checkIntegrity(engine),

    async close() {
      await engine.db.destroy();
    },
  };
}
