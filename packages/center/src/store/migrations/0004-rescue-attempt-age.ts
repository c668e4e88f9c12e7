/**
 * Wrong-try counters remember when their last wrong try was: older tries are
 * forgotten (rescue/lockout.ts), so the counters of numbers tried once and
 * never again, registered or not, can be deleted by the rescue sweep.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function rescueAttemptAge(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('rescue_attempts').addColumn('last_failure_at', 'text').execute();
    },
  };
}
