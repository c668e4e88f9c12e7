/**
 * Issue 8 on the rescue desk's stored data: phone numbers in their one
 * canonical form (0007-canonical-phones.ts), and no control number left in
 * clear (0007-control-numbers.ts).
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { canonicalisePhones } from './0007-canonical-phones.ts';
import { hideControlNumbers } from './0007-control-numbers.ts';

export function rescueHardening(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await canonicalisePhones(db);
      await hideControlNumbers(db);
    },
  };
}
