/**
 * The --json documents the tests read. Each is the library result printed
 * as is, so the library types describe them.
 */
import type { BackupListing } from '@phonesafe/pc';

export type { BackupResult as BackupJson, RestoreResult as RestoreJson } from '@phonesafe/handset';
export interface BackupListJson {
  backups: BackupListing[];
}
