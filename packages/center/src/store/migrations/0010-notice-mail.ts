/**
 * Owner notices by mail (issue 13): the outbox of notice mails. One row per
 * notice to mail, written in the notice's transaction; a dispatcher loop
 * claims due rows (under row locks, SKIP LOCKED on PostgreSQL, so two
 * centers on one database never claim the same row), sends, and marks them
 * sent, or backs off.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function noticeMailSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('notice_mail')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('notice_mail_due').on('notice_mail').columns(['sent_at', 'next_attempt_at']).execute();
    },
  };
}
