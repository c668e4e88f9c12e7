/**
 * Throw-away PostgreSQL databases for tests. PostgreSQL is started only when
 * a test asks for a database: the first call in a process runs
 * scripts/ensure-postgres.sh (once; it does nothing when the server already
 * answers), so `npm test -- WORD` and the unit tier never need it. With
 * PHONESAFE_TEST_PG set, that admin URL is used as it is and nothing is started.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { AfterHook } from './temp.ts';

const CONFIGURED = process.env['PHONESAFE_TEST_PG'];
/** The admin connection: CREATE/DROP DATABASE, roles. */
export const PG_ADMIN_URL = CONFIGURED ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ENSURE = fileURLToPath(new URL('../../../scripts/ensure-postgres.sh', import.meta.url));

// One start per process, shared by every caller; a failure is kept, so each caller reports it.
let running: Promise<void> | undefined;

/** Makes sure the test PostgreSQL answers (a no-op when PHONESAFE_TEST_PG names another server). */
export function ensurePostgres(): Promise<void> {
  running ??= CONFIGURED
    ? Promise.resolve()
    : promisify(execFile)('bash', [ENSURE]).then(
        () => undefined,
        (error: { stderr?: string }) => {
          throw new Error(`PostgreSQL for the tests: ${error.stderr?.trim() || String(error)}`);
        },
      );
  return running;
}

export interface PgDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database `phonesafe_t_<random>`; dropped after the test when `t` is given, else by `drop()`. */
export async function pgDatabase(t?: AfterHook): Promise<PgDatabase> {
  const name = `phonesafe_t_${randomBytes(6).toString('hex')}`;
  await pgAdminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const database = { url: url.toString(), drop: () => pgAdminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  t?.after(() => database.drop());
  return database;
}

/** Runs one statement as the admin role (CREATE/DROP DATABASE, roles). */
export async function pgAdminQuery(statement: string): Promise<void> {
  await pgQuery(PG_ADMIN_URL, statement);
}

/** Runs SQL (one statement with parameters, or several without) on its own connection; the rows of the last. */
export async function pgQuery<R extends object = Record<string, unknown>>(url: string, sql: string, params?: unknown[]): Promise<R[]> {
  await ensurePostgres();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Several statements without parameters answer one result each.
    const answer: unknown = await client.query<R>(sql, params);
    const results = (Array.isArray(answer) ? answer : [answer]) as pg.QueryResult<R>[];
    return results.at(-1)?.rows ?? [];
  } finally {
    await client.end();
  }
}
