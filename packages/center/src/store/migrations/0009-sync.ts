/**
 * SIM sync (issue 12, docs/design/sync.md). The subscriber DB (subscribers/):
 * subscribers with their security level and wrapped collection keys, and
 * their terminals. The user area (sync/): sealed items and tombstones, the
 * per-subscriber change counter, each terminal's cursor, and sync sessions.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function syncSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('subscribers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('security', 'text', (c) => c.notNull())
        .addColumn('pin_hash', 'text')
        .addColumn('keys', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('terminals')
        .addColumn('subscriber_id', 'text', (c) => c.notNull().references('subscribers.id'))
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('handset_id', 'text', (c) => c.references('handsets.id'))
        .addColumn('password_hash', 'text')
        .addColumn('kinds', 'text', (c) => c.notNull())
        .addColumn('registered_via', 'text', (c) => c.notNull())
        .addColumn('registered_at', 'text', (c) => c.notNull())
        .addColumn('sim_mounted_at', 'text')
        .addColumn('sim_removed_at', 'text')
        .addPrimaryKeyConstraint('terminals_pk', ['subscriber_id', 'terminal_id'])
        .execute();
      await db.schema.createIndex('terminals_handset').on('terminals').column('handset_id').execute();

      await db.schema
        .createTable('area_counters')
        .addColumn('subscriber_id', 'text', (c) => c.primaryKey())
        .addColumn('next_seq', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('area_items')
        .addColumn('subscriber_id', 'text', (c) => c.notNull())
        .addColumn('guid', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('header', 'text')
        .addColumn('body', 'text')
        .addColumn('origin_terminal', 'text', (c) => c.notNull())
        .addColumn('change_tag', 'text')
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('area_items_pk', ['subscriber_id', 'guid'])
        .execute();
      await db.schema.createIndex('area_items_seq').on('area_items').columns(['subscriber_id', 'seq']).unique().execute();
      await db.schema
        .createTable('area_cursors')
        .addColumn('subscriber_id', 'text', (c) => c.notNull())
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('cursor', 'integer', (c) => c.notNull())
        .addColumn('last_sync_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('area_cursors_pk', ['subscriber_id', 'terminal_id'])
        .execute();
      await db.schema
        .createTable('sync_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subscriber_id', 'text', (c) => c.notNull())
        .addColumn('terminal_id', 'text', (c) => c.notNull())
        .addColumn('handset_id', 'text', (c) => c.notNull())
        .addColumn('snapshot', 'integer', (c) => c.notNull())
        .addColumn('kinds', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .execute();
    },
  };
}
