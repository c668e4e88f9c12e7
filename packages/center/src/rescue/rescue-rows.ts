/** Mapping between rescue rows and the `rescues` table. */
import type { Updateable } from 'kysely';
import type { RescueRow, RescueUpdate } from './rescue-repo.ts';
import type { RescuesTable } from './rescue-tables.ts';

export function toRescue(row: RescuesTable): RescueRow {
  return {
    id: row.id,
    ownerId: row.owner_id,
    phone: row.phone,
    handsetId: row.handset_id,
    status: row.status,
    requestedAt: row.requested_at,
    windowEndsAt: row.window_ends_at,
    lastAttemptAt: row.last_attempt_at,
    requestId: row.request_id,
    backupId: row.backup_id,
    controlSeal: row.control_seal,
    controlHash: row.control_hash,
    savedAt: row.saved_at,
    erasedAt: row.erased_at,
    expiresAt: row.expires_at,
    warnedAt: row.warned_at,
    files: row.files,
  };
}

export function rescueValues(row: RescueRow): RescuesTable {
  return {
    id: row.id,
    owner_id: row.ownerId,
    phone: row.phone,
    handset_id: row.handsetId,
    status: row.status,
    requested_at: row.requestedAt,
    window_ends_at: row.windowEndsAt,
    last_attempt_at: row.lastAttemptAt,
    request_id: row.requestId,
    backup_id: row.backupId,
    control_number: null,
    control_seal: row.controlSeal,
    control_hash: row.controlHash,
    saved_at: row.savedAt,
    erased_at: row.erasedAt,
    expires_at: row.expiresAt,
    warned_at: row.warnedAt,
    files: row.files,
  };
}

/** Only the columns the update names; an absent field stays as it is. */
export function rescueChanges(update: RescueUpdate): Updateable<RescuesTable> {
  const columns: Record<keyof RescueUpdate, keyof RescuesTable> = {
    status: 'status',
    lastAttemptAt: 'last_attempt_at',
    requestId: 'request_id',
    backupId: 'backup_id',
    controlSeal: 'control_seal',
    savedAt: 'saved_at',
    erasedAt: 'erased_at',
    expiresAt: 'expires_at',
    warnedAt: 'warned_at',
    files: 'files',
  };
  const changes: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(columns) as Array<[keyof RescueUpdate, keyof RescuesTable]>) {
    if (update[field] !== undefined) changes[column] = update[field];
  }
  return changes as Updateable<RescuesTable>;
}
