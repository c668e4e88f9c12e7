/**
 * The rescue desk's wrong-try counters become the center's: owner logins
 * count under them too (auth/lockout.ts). Each counter remembers its last
 * wrong try, so tries a day old are forgotten and their rows can be deleted.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export function wrongTriesSchema(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('rescue_attempts').renameTo('wrong_tries').execute();
      await db.schema.alterTable('wrong_tries').addColumn('last_failure_at', 'text').execute();
    },
  };
}
