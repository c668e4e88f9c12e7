/**
 * The lost-handset rescue desk (docs/design/rescue.md): the phone number of a
 * handset, code numbers, wrong-try counters, rescues and their audit trail.
 * `rescues.backup_id` is deliberately not a foreign key: the rescue and its
 * audit outlive the backup that retention (R4) deletes.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import { autoIdColumn, type DialectName } from '../engine.ts';

/** The states in which a phone number's rescue is still going on; a new request answers it instead of starting another. */
export const OPEN_RESCUE_STATES = ['waiting-for-handset', 'saving', 'saved'] as const;

export function rescueSchema(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('handsets').addColumn('phone', 'text').execute();
      await db.schema.alterTable('handsets').addColumn('revoked_at', 'text').execute();
      await db.schema.createIndex('handsets_phone').on('handsets').columns(['phone', 'enrolled_at']).execute();

      await db.schema
        .createTable('rescue_codes')
        .addColumn('phone', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('set_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('rescue_attempts')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .execute();

      await db.schema
        .createTable('rescues')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('handset_id', 'text', (c) => c.notNull().references('handsets.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('window_ends_at', 'text', (c) => c.notNull())
        .addColumn('last_attempt_at', 'text')
        .addColumn('request_id', 'text')
        .addColumn('backup_id', 'text')
        .addColumn('control_number', 'text', (c) => c.unique())
        .addColumn('saved_at', 'text')
        .addColumn('erased_at', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('warned_at', 'text')
        .addColumn('files', 'integer')
        .execute();
      await db.schema.createIndex('rescues_phone').on('rescues').columns(['phone', 'requested_at']).execute();
      await db.schema.createIndex('rescues_handset').on('rescues').columns(['handset_id', 'status']).execute();
      await db.schema.createIndex('rescues_backup').on('rescues').column('backup_id').execute();
      await db.schema.createIndex('rescues_status_window').on('rescues').columns(['status', 'window_ends_at']).execute();
      await db.schema.createIndex('rescues_status_expires').on('rescues').columns(['status', 'expires_at']).execute();
      // One rescue going on per phone number, whatever two centers race.
      await db.schema
        .createIndex('rescues_one_open')
        .on('rescues')
        .column('phone')
        .unique()
        .where(
          sql.ref('status'),
          'in',
          OPEN_RESCUE_STATES.map((state) => sql.lit(state)),
        )
        .execute();

      await db.schema
        .createTable('rescue_audit')
        .addColumn('id', 'integer', autoIdColumn(dialect))
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('rescue_id', 'text')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rescue_audit_phone').on('rescue_audit').columns(['phone', 'id']).execute();
    },
  };
}
