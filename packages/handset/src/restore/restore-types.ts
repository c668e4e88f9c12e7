import type { DataKind, ErrorCode } from '@phonesafe/protocol';
import type { AskOverwrite } from './overwrite.ts';
import type { ProgressFn } from '../util/progress.ts';

export interface RestoreOptions {
  /** One backup to restore; without it, the newest version of each item across `fromHandset`'s backups. */
  backupId?: string;
  /** The handset whose backups to restore from (without `backupId`); this handset when not given. */
  fromHandset?: string;
  kinds?: DataKind[];
  /** Only the files at or under these paths (one file's path: that file). */
  include?: string[];
  overwrite: 'ask' | 'yes' | 'no';
  ask?: AskOverwrite;
  onProgress?: ProgressFn;
  /** Told of each pending order (applied first) that could not be applied; the restore goes on. */
  onPendingFailed?: (failure: PendingFailure) => void;
}

/**
 * A pending restore order that could not be applied. `reported`: the center
 * was told (its code only) and offers it again after a backoff; otherwise it
 * stays due and is tried at the next contact (the center out of reach, or an
 * order that must ask the owner and could not).
 */
export interface PendingFailure {
  restoreId: string;
  backupId: string;
  code: ErrorCode;
  detail: string;
  reported: boolean;
}

export interface RestoreResult {
  backupId: string;
  restoreId: string;
  /** Files written to memory. */
  restored: number;
  /** Files left alone because the owner refused to overwrite them. */
  skipped: number;
  skippedPaths: string[];
  /** Files the handset already held with the backed-up content. */
  alreadyThere: number;
}
