/**
 * Issue 10, packs (storage-format.md, "Packs"): the small parts of one batch
 * upload share one pack file. `parts.pack_id` names the pack holding a
 * part's bytes and `parts.pack_offset` where they begin; both null for a part
 * whose bytes are a blob file of its own (every part stored before, every
 * large part), which stays readable as it is. The index serves verify's walk
 * of a pack and prune's question whether any row still names one.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function packsSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('parts').addColumn('pack_id', 'text').execute();
      await db.schema.alterTable('parts').addColumn('pack_offset', 'bigint').execute();
      await db.schema.createIndex('parts_pack').on('parts').columns(['owner_id', 'pack_id', 'pack_offset']).execute();
    },
  };
}
