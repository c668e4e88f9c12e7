/**
 * Issue 11. A backup the owner keeps for good (`pc keep`): `backups.kept_at`
 * is when the owner said so, null for every other backup (and all backups
 * made before). Retention never counts or forgets a kept backup, and the
 * owner's own delete refuses one until it is let go (`pc keep --undo`);
 * prune deletes only unreferenced parts, so a kept backup's parts stay.
 *
 * And the owner's recovery key (encryption.md): `owners.recovery_auth_hash`,
 * the hash of the auth key derived from it, and `owners.recovery_wrapped_key`,
 * the data key wrapped with the key-encryption key derived from it; both
 * null for an owner without one (every owner before).
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function keptBackupsRecoveryKeys(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('backups').addColumn('kept_at', 'text').execute();
      await db.schema.alterTable('owners').addColumn('recovery_auth_hash', 'text').execute();
      await db.schema.alterTable('owners').addColumn('recovery_wrapped_key', 'text').execute();
    },
  };
}
