/**
 * Out of space, in every form a server meets it: the file system's ENOSPC
 * and EDQUOT (blob writes, or under the database), SQLite's SQLITE_FULL and
 * PostgreSQL's disk_full. Each becomes STORAGE_FULL, which is retryable: the
 * request can succeed once space is freed. The detail names no path.
 */
import { PhoneSafeError } from '@phonesafe/protocol';

const SQLITE_FULL = 13;
const PG_DISK_FULL = '53100';

/** `server` names who is out of space in the answer's detail ("the center"). */
export function asStorageFault(error: unknown, server: string): PhoneSafeError | undefined {
  if (error instanceof PhoneSafeError) return error.code === 'STORAGE_FULL' ? error : undefined;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === PG_DISK_FULL || (code === 'ERR_SQLITE_ERROR' && errcode === SQLITE_FULL)) {
    return new PhoneSafeError('STORAGE_FULL', `the ${server} is out of storage space`, {}, { cause: error });
  }
  return undefined;
}
