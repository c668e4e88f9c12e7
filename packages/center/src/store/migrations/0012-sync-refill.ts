/**
 * Issue 12, S9 collective erase: `area_cursors.refill_through`. A terminal
 * that erased its copy of the user area gets its cursor back to 0 and, at
 * its next downloads, its own changes up to this sequence number as well
 * (the download rule otherwise leaves a terminal's own changes out). Null
 * for every cursor before and for terminals that never erased.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function syncRefillSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('area_cursors').addColumn('refill_through', 'integer').execute();
    },
  };
}
