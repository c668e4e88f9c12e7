/**
 * Issue 12, S7's filters beyond kinds (sync.md "Filters"). `terminals.filters`:
 * JSON `{folders: [folderRef], sinceMonths?}` (null: none, every terminal
 * before). `area_items.folder_refs`: the keyed references of the folders above
 * the item, space-separated with a space at each end so that one reference
 * matches with LIKE '% ref %' on SQLite and PostgreSQL alike (null: sent
 * before filters, or a tombstone). `sync_sessions.filters`: the filter a
 * session downloads through, fixed at its start (`{folders, since}`, since
 * an ISO time or null).
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function syncFiltersSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('terminals').addColumn('filters', 'text').execute();
      await db.schema.alterTable('area_items').addColumn('folder_refs', 'text').execute();
      await db.schema.alterTable('sync_sessions').addColumn('filters', 'text').execute();
    },
  };
}
