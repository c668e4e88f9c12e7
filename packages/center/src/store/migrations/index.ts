/**
 * In-code migration provider: migrations are TS modules imported here, so
 * they ship with the code and need no directory scan at run time. Names sort
 * in the order they apply; never rename or edit one that has shipped.
 */
import type { Migration, MigrationProvider } from 'kysely/migration';
import type { DialectName } from '../engine.ts';
import { initialSchema } from './0001-initial.ts';
import { jobsSchema } from './0002-jobs.ts';
import { rescueSchema } from './0003-rescue.ts';
import { wrongTriesSchema } from './0004-wrong-tries.ts';
import { partIntegritySchema } from './0005-part-integrity.ts';
import { rescueHardening } from './0007-rescue-hardening.ts';
import { restoreOrdersSchema } from './0008-restore-orders.ts';
import { syncSchema } from './0009-sync.ts';
import { noticeMailSchema } from './0010-notice-mail.ts';
import { keptBackupsRecoveryKeys } from './0011-kept-backups-recovery-keys.ts';
import { syncRefillSchema } from './0012-sync-refill.ts';
import { packsSchema } from './0013-packs.ts';
import { syncFiltersSchema } from './0014-sync-filters.ts';

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001-initial': initialSchema(dialect),
        '0002-jobs': jobsSchema(),
        '0003-rescue': rescueSchema(dialect),
        '0004-wrong-tries': wrongTriesSchema(),
        '0005-part-integrity': partIntegritySchema(),
        '0007-rescue-hardening': rescueHardening(),
        '0008-restore-orders': restoreOrdersSchema(),
        '0009-sync': syncSchema(),
        '0010-notice-mail': noticeMailSchema(),
        '0011-kept-backups-recovery-keys': keptBackupsRecoveryKeys(),
        '0012-sync-refill': syncRefillSchema(),
        '0013-packs': packsSchema(),
        '0014-sync-filters': syncFiltersSchema(),
      };
    },
  };
}
