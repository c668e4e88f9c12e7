/**
 * Everything that differs between SQLite and PostgreSQL lives here: how a
 * connection is made, how a unique violation looks, whether rows can be
 * locked, and the one column type the schema builder cannot say portably.
 * Repositories and migrations take an `Engine` and stay dialect-free.
 *
 * The engine's Kysely knows no tables: each capability sees only its own,
 * through `tablesOf` (transaction.ts).
 */
import { Kysely, PostgresDialect, SqliteDialect, sql, type ColumnDefinitionBuilder } from 'kysely';
import pg from 'pg';
import { openSqliteDatabase } from './sqlite-database.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Engine {
  readonly dialect: DialectName;
  readonly db: Kysely<unknown>;
  /**
   * Whether `SELECT … FOR UPDATE` / `FOR SHARE` are needed and understood.
   * PostgreSQL runs transactions side by side; Kysely gives SQLite one
   * connection behind a mutex, and every SQLite transaction takes the
   * database's write lock at BEGIN (sqlite-database.ts), so its transactions
   * are serial across processes too.
   */
  readonly rowLocks: boolean;
  isUniqueViolation(error: unknown): boolean;
  /** Makes the commits so far durable against power loss; PostgreSQL commits already are. */
  syncCommits(): Promise<void>;
}

// SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE (extended result codes).
const SQLITE_UNIQUE_CODES = new Set([1555, 2067]);
const PG_UNIQUE_VIOLATION = '23505';
const PG_INT8_OID = 20;

export function sqliteEngine(path: string): Engine {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: openSqliteDatabase(path) }) });
  return {
    dialect: 'sqlite',
    db,
    rowLocks: false,
    isUniqueViolation: (error) => SQLITE_UNIQUE_CODES.has(errorField(error, 'errcode') as number),
    // Through Kysely, so it waits for the connection like any query and never
    // lands inside another transaction. A checkpoint fsyncs the WAL first.
    syncCommits: async () => {
      await sql`PRAGMA wal_checkpoint(PASSIVE)`.execute(db);
    },
  };
}

export function postgresEngine(connectionString: string): Engine {
  const pool = new pg.Pool({
    connectionString,
    // Sizes are bigint columns but fit in 2^53; read them as numbers, for this pool only.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server emits 'error'; unhandled it would end
  // the process. The pool drops that client and the next query opens a new one.
  pool.on('error', () => {});
  return {
    dialect: 'postgres',
    db: new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) }),
    rowLocks: true,
    isUniqueViolation: (error) => errorField(error, 'code') === PG_UNIQUE_VIOLATION,
    syncCommits: async () => {},
  };
}

/** An integer primary key the database assigns (for `history`, whose rows need a stable order). */
export function autoIdColumn(dialect: DialectName): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  // SQLite assigns a rowid to an `integer primary key`; PostgreSQL needs an identity.
  return dialect === 'sqlite' ? (col) => col.primaryKey() : (col) => col.primaryKey().generatedByDefaultAsIdentity();
}

function errorField(error: unknown, field: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[field] : undefined;
}
