/**
 * Center-initiated backup (docs/design/live-channel.md): schedules, the jobs
 * the scheduler makes from them, owner notices, and a per-owner quota
 * override. Jobs live in the database so several centers can share them.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The states in which a handset's job still holds its slot (see JobRepo). */
export const ACTIVE_JOB_STATES = ['pending', 'requested', 'running'] as const;

export function jobsSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('owners').addColumn('quota_bytes', 'bigint').execute();

      await db.schema
        .createTable('schedules')
        .addColumn('handset_id', 'text', (c) => c.primaryKey().references('handsets.id'))
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('spec', 'text')
        .addColumn('retry', 'text', (c) => c.notNull())
        .addColumn('next_run_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('schedules_next_run').on('schedules').column('next_run_at').execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('handset_id', 'text', (c) => c.notNull().references('handsets.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('answer_by', 'text')
        .addColumn('run_deadline', 'text')
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('retry', 'text', (c) => c.notNull())
        .addColumn('backup_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_status_due').on('jobs').columns(['status', 'due_at']).execute();
      await db.schema.createIndex('jobs_handset_request').on('jobs').columns(['handset_id', 'request_id']).execute();
      await db.schema.createIndex('jobs_backup').on('jobs').column('backup_id').execute();
      // At most one live job per handset, whatever races the centers run.
      await db.schema
        .createIndex('jobs_one_active')
        .on('jobs')
        .column('handset_id')
        .unique()
        .where(
          sql.ref('status'),
          'in',
          ACTIVE_JOB_STATES.map((state) => sql.lit(state)),
        )
        .execute();

      await db.schema
        .createTable('notices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull().references('owners.id'))
        .addColumn('handset_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('notices_owner_at').on('notices').columns(['owner_id', 'at']).execute();
    },
  };
}
