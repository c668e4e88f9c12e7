/**
 * Restore orders (issue 8): who placed each order, so that only the owner's
 * orders may delete a backup once restored. Orders stored before this
 * migration keep `placed_by` null: nobody can tell whether a handset placed
 * them, so they never delete (the owner can still delete the backup).
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function restoreOrdersSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('restores').addColumn('placed_by', 'text').execute();
    },
  };
}
