/**
 * A backup the owner keeps for good (`pc keep`, issue 11): `kept_at` is
 * when the owner said so, null for every other backup (and all backups
 * made before). Retention never counts or forgets a kept backup, and the
 * owner's own delete refuses one until it is let go (`pc keep --undo`);
 * prune deletes only unreferenced parts, so a kept backup's parts stay.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function keepForeverSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('backups').addColumn('kept_at', 'text').execute();
    },
  };
}
