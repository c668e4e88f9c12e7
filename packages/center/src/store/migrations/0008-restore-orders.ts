/**
 * Restore orders (issue 8). Who placed each order, so that only the owner's
 * orders may delete a backup once restored: orders stored before this
 * migration keep `placed_by` null, as nobody can tell whether a handset
 * placed them, so they never delete (the owner can still delete the
 * backup). And the tries of an order that failed: how many, the last error
 * code, and when it is offered again (restore/restore-retry.ts); statuses
 * `failed` (given up) and `cancelled` (by the owner) join pending/completed.
 *
 * And on `backups`, the kinds a backup covers completely (`complete_kinds`,
 * JSON), for retention per kind; null for backups made before, which
 * retention counts as covering all their kinds.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function restoreOrdersSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('restores').addColumn('placed_by', 'text').execute();
      await db.schema
        .alterTable('restores')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('restores').addColumn('last_code', 'text').execute();
      await db.schema.alterTable('restores').addColumn('next_try_at', 'text').execute();
      await db.schema.alterTable('backups').addColumn('complete_kinds', 'text').execute();
    },
  };
}
