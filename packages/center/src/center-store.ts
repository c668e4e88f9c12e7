/**
 * The center's storage: every capability's repository over one engine, and
 * a unit of work that spans them. Two adapters implement each repository
 * (SQLite, PostgreSQL) over Kysely; `test/store-conformance.ts` runs the
 * same suite against both. Services depend on their capability's port (the
 * `-repo.ts` files) only; this aggregate is composed here, beside app.ts.
 *
 * Contracts common to every method:
 * - Methods are scoped by owner where an owner id is taken: a row of another
 *   owner is never returned or changed (callers then answer NOT_FOUND).
 * - Times are ISO-8601 UTC strings supplied by the caller's Clock; the store
 *   never reads the wall clock.
 * - Nothing here throws HTTP errors; unique-key violations surface as
 *   PhoneSafeError with the code named in the method comment.
 * - No repository writes another capability's tables: writes that must be
 *   atomic across capabilities go through `transaction`.
 */
import { sql } from 'kysely';
import { wrongTryQueries } from './auth/wrong-try-queries.ts';
import type { WrongTryRepo } from './auth/wrong-try-repo.ts';
import type { WrongTryTables } from './auth/wrong-try-tables.ts';
import { backupQueries } from './backup/backup-queries.ts';
import type { BackupRepo } from './backup/backup-repo.ts';
import { partQueries } from './backup/part-queries.ts';
import type { PartRepo } from './backup/part-repo.ts';
import type { BackupTables } from './backup/backup-tables.ts';
import { handsetQueries } from './handsets/handset-queries.ts';
import type { HandsetRepo } from './handsets/handset-repo.ts';
import type { HandsetTables } from './handsets/handset-tables.ts';
import { historyQueries } from './history/history-queries.ts';
import type { HistoryRepo } from './history/history-repo.ts';
import type { HistoryTables } from './history/history-tables.ts';
import { noticeMailQueries } from './notices/notice-mail-queries.ts';
import type { NoticeMailRepo } from './notices/notice-mail-repo.ts';
import type { NoticeMailTables } from './notices/notice-mail-tables.ts';
import { noticeQueries } from './notices/notice-queries.ts';
import type { NoticeRepo } from './notices/notice-repo.ts';
import type { NoticeTables } from './notices/notice-tables.ts';
import { ownerQueries } from './owners/owner-queries.ts';
import type { OwnerRepo } from './owners/owner-repo.ts';
import type { OwnerTables } from './owners/owner-tables.ts';
import { rescueAuditQueries } from './rescue/rescue-audit-queries.ts';
import { rescueCodeQueries } from './rescue/rescue-code-queries.ts';
import { rescueQueries } from './rescue/rescue-queries.ts';
import type { RescueAuditRepo, RescueCodeRepo, RescueRepo } from './rescue/rescue-repo.ts';
import type { RescueTables } from './rescue/rescue-tables.ts';
import { restoreQueries } from './restore/restore-queries.ts';
import type { RestoreRepo } from './restore/restore-repo.ts';
import type { RestoreTables } from './restore/restore-tables.ts';
import { jobQueries } from './schedules/job-queries.ts';
import type { JobRepo } from './schedules/job-repo.ts';
import { scheduleQueries } from './schedules/schedule-queries.ts';
import type { ScheduleRepo } from './schedules/schedule-repo.ts';
import type { ScheduleTables } from './schedules/schedule-tables.ts';
import { subscriberQueries } from './subscribers/subscriber-queries.ts';
import type { SubscriberRepo } from './subscribers/subscriber-repo.ts';
import type { SubscriberTables } from './subscribers/subscriber-tables.ts';
import { syncQueries } from './sync/sync-queries.ts';
import type { SyncRepo } from './sync/sync-repo.ts';
import type { SyncTables } from './sync/sync-tables.ts';
import { migrationProvider } from './store/migrations/index.ts';
import { checkIntegrity, type DatabaseCheck, type Engine, engineFor, migrate, type UnitOfWork, unitOfWork } from '@phonesafe/server-kit';

export type { DatabaseCheck };

/** Every capability's tables together: the schema the migrations make (storage-format.md), for tools and tests that read it whole. */
export type CenterTables = OwnerTables &
  HandsetTables &
  BackupTables &
  RestoreTables &
  HistoryTables &
  ScheduleTables &
  NoticeTables &
  NoticeMailTables &
  RescueTables &
  WrongTryTables &
  SubscriberTables &
  SyncTables;

export interface Repositories {
  owners: OwnerRepo;
  handsets: HandsetRepo;
  parts: PartRepo;
  backups: BackupRepo;
  restores: RestoreRepo;
  history: HistoryRepo;
  schedules: ScheduleRepo;
  jobs: JobRepo;
  notices: NoticeRepo;
  noticeMail: NoticeMailRepo;
  rescues: RescueRepo;
  rescueCodes: RescueCodeRepo;
  rescueAudit: RescueAuditRepo;
  wrongTries: WrongTryRepo;
  subscribers: SubscriberRepo;
  sync: SyncRepo;
}

export interface Store extends Repositories {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `work` with every repository over one transaction: its writes commit together or not at all. */
  transaction: UnitOfWork<Repositories>;
  /** Applies pending migrations. Idempotent; safe to call at every start. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a query (`/v1/health`). */
  ping(): Promise<void>;
  /**
   * The database's own integrity check (`center verify`): SQLite's
   * `PRAGMA integrity_check`, PostgreSQL's amcheck extension over the
   * schema's indexes and tables (created if the role may). `skipped` says why
   * it could not run.
   */
  checkIntegrity(): Promise<DatabaseCheck>;
  close(): Promise<void>;
}

function repositories(engine: Engine): Repositories {
  return {
    owners: ownerQueries(engine),
    handsets: handsetQueries(engine),
    parts: partQueries(engine),
    backups: backupQueries(engine),
    restores: restoreQueries(engine),
    history: historyQueries(engine),
    schedules: scheduleQueries(engine),
    jobs: jobQueries(engine),
    notices: noticeQueries(engine),
    noticeMail: noticeMailQueries(engine),
    rescues: rescueQueries(engine),
    rescueCodes: rescueCodeQueries(engine),
    rescueAudit: rescueAuditQueries(engine),
    wrongTries: wrongTryQueries(engine),
    subscribers: subscriberQueries(engine),
    sync: syncQueries(engine),
  };
}

/** The `Store` both dialects share: repositories over one engine. */
export function centerStore(engine: Engine): Store {
  return {
    dialect: engine.dialect,
    ...repositories(engine),
    transaction: unitOfWork(engine, repositories),
    migrate: () => migrate(engine, migrationProvider(engine.dialect)),
    ping: async () => {
      await sql`SELECT 1`.execute(engine.db);
    },
    checkIntegrity: () => checkIntegrity(engine),
    close: () => engine.db.destroy(),
  };
}

/** Opens the center's database from the `--db` setting (store/open-engine.ts) and brings its schema up to date. */
export async function openStore(url: string): Promise<Store> {
  const store = centerStore(engineFor(url));
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
