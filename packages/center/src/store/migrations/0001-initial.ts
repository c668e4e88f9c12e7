/**
 * The initial schema (docs/design/storage-format.md), written once with the
 * schema builder for both dialects. Times are ISO-8601 text (they sort as
 * text), JSON is text, sizes are bigint, booleans are 0/1 integers.
 *
 * References from `restores` and `history` to backups are deliberately not
 * foreign keys: a restore order and the history outlive a deleted backup.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { autoIdColumn, type DialectName } from '../engine.ts';

export function initialSchema(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('owners')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('auth_hash', 'text', (c) => c.notNull())
        .addColumn('kdf', 'text', (c) => c.notNull())
        .addColumn('wrapped_data_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('owner_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('owner_tokens_expires').on('owner_tokens').column('expires_at').execute();

      await db.schema
        .createTable('handsets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('credential_hash', 'text', (c) => c.notNull())
        .addColumn('enrolled_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text')
        .addUniqueConstraint('handsets_owner_name', ['owner_id', 'name'])
        .execute();

      await db.schema
        .createTable('parts')
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('parts_pk', ['owner_id', 'id'])
        .execute();
      await db.schema.createIndex('parts_created').on('parts').column('created_at').execute();

      await db.schema
        .createTable('backups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('handset_id', 'text', (c) => c.notNull().references('handsets.id'))
        .addColumn('kinds', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('committed_at', 'text')
        .addColumn('file_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('stored_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('manifest_id', 'text')
        .addColumn('manifest_size', 'bigint')
        .addColumn('manifest_sha256', 'text')
        .execute();
      await db.schema.createIndex('backups_owner_status_committed').on('backups').columns(['owner_id', 'status', 'committed_at']).execute();
      await db.schema.createIndex('backups_status_started').on('backups').columns(['status', 'started_at']).execute();

      await db.schema
        .createTable('backup_files')
        .addColumn('backup_id', 'text', (c) => c.notNull().references('backups.id'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('parts', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('backup_files_pk', ['backup_id', 'seq'])
        .execute();

      await db.schema
        .createTable('backup_parts')
        .addColumn('backup_id', 'text', (c) => c.notNull().references('backups.id'))
        .addColumn('part_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('backup_parts_pk', ['backup_id', 'part_id'])
        .execute();
      await db.schema.createIndex('backup_parts_part').on('backup_parts').column('part_id').execute();

      await db.schema
        .createTable('restores')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('backup_id', 'text', (c) => c.notNull())
        .addColumn('handset_id', 'text', (c) => c.notNull().references('handsets.id'))
        .addColumn('kinds', 'text')
        .addColumn('delete_after', 'integer', (c) => c.notNull())
        .addColumn('overwrite', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema.createIndex('restores_handset_status').on('restores').columns(['handset_id', 'status']).execute();

      await db.schema
        .createTable('history')
        .addColumn('id', 'integer', autoIdColumn(dialect))
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('handset_id', 'text')
        .addColumn('backup_id', 'text')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('history_owner_at').on('history').columns(['owner_id', 'at']).execute();
    },
  };
}
