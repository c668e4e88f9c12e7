/**
 * Storage integrity (storage-format.md): a part can be marked damaged (its
 * blob is gone or its bytes no longer match), so the center asks for it
 * again; a part reported present carries the time it was last used, so
 * prune leaves it alone for the grace period; and an owner may set a
 * personal storage limit below the quota the operator gives it.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function partIntegritySchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('parts')
        .addColumn('damaged', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('parts').addColumn('used_at', 'text').execute();
      await db.schema.alterTable('owners').addColumn('quota_limit_bytes', 'bigint').execute();
    },
  };
}
