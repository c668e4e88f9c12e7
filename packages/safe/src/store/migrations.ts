/**
 * The safe's migrations, literal and frozen (a change is a new entry): its
 * schema is docs/design/safes.md's "safe storage". One Kysely definition for
 * SQLite and PostgreSQL.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationProvider } from 'kysely/migration';
import { autoIdColumn, type DialectName } from '@phonesafe/server-kit';

export function safeMigrations(dialect: DialectName): MigrationProvider {
  return {
    getMigrations: async () => ({
      '0001-initial': {
        async up(db: Kysely<unknown>) {
          await counterAndDeposits(db);
          await ownersNoncesAudit(db, dialect);
        },
      },
      '0002-device-tries': {
        // V12: the tries left for a deposit registered with an authentication device (null: none registered).
        async up(db: Kysely<unknown>) {
          await db.schema.alterTable('deposits').addColumn('device_tries_left', 'integer').execute();
        },
      },
    }),
  };
}

async function counterAndDeposits(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('safe_counter')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('next', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into safe_counter (id, next) values (1, 1)`.execute(db);
  await db.schema
    .createTable('deposits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('deposit_key', 'text', (c) => c.notNull().unique())
    .addColumn('serial', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('semantics', 'text', (c) => c.notNull())
    .addColumn('owner_ref', 'text')
    .addColumn('card_id', 'text', (c) => c.notNull())
    .addColumn('header', 'text', (c) => c.notNull())
    .addColumn('card_sig', 'text', (c) => c.notNull())
    .addColumn('record_sha', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('body_size', 'integer', (c) => c.notNull())
    .addColumn('cert_body', 'text', (c) => c.notNull())
    .addColumn('cert_sig', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('release_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('released_at', 'text')
    .execute();
  await db.schema.createIndex('deposits_by_serial_hash').on('deposits').columns(['serial', 'hash']).execute();
  await db.schema.createIndex('deposits_by_owner').on('deposits').column('owner_ref').execute();
}

async function ownersNoncesAudit(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('owners')
    .addColumn('owner_ref', 'text', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('server_salt', 'text', (c) => c.notNull())
    .addColumn('verifier', 'text')
    .addColumn('max_tries', 'integer', (c) => c.notNull())
    .addColumn('tries_left', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('destroyed_at', 'text')
    .execute();
  await db.schema
    .createTable('nonces')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('nonces_by_expiry').on('nonces').column('expires_at').execute();
  await db.schema
    .createTable('audit')
    .addColumn('id', 'integer', autoIdColumn(dialect))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('serial', 'bigint')
    .addColumn('owner_ref', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
}
