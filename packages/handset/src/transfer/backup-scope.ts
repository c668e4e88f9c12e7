import { DATA_KINDS, type DataKind } from '@phonesafe/protocol';
import type { Profile, ProfileEntry } from '../backup-area/profile.ts';
import type { Targets } from '../settings/schema.ts';
import { isTarget } from '../settings/targets.ts';

/**
 * What a backup covers: whole kinds (the owner's "back up now", or kinds a
 * center's request names) or the settings' targets (B1: kinds, extensions,
 * applications, keywords), for backups the triggers start.
 */
export type BackupScope = { kinds: readonly DataKind[] } | { targets: Targets };

/** Every kind: what an explicit backup with no kinds covers. */
export const ALL_KINDS: BackupScope = { kinds: DATA_KINDS };

/**
 * The generation a backup started now would send (the newest copied version
 * of every item in scope) and the kinds it declares to the center. The center
 * needs at least one kind; a targets selection that names no kind and
 * matches nothing is declared as 'other'.
 */
export function selectGeneration(profile: Profile, scope: BackupScope): { kinds: DataKind[]; entries: ProfileEntry[] } {
  if ('kinds' in scope) {
    const kinds = [...new Set(scope.kinds.length ? scope.kinds : DATA_KINDS)].sort();
    return { kinds, entries: profile.newest(kinds) };
  }
  const entries = profile.newest(DATA_KINDS).filter((entry) => isTarget(entry, scope.targets));
  const kinds = [...new Set([...scope.targets.kinds, ...entries.map((entry) => entry.kind)])].sort();
  return { kinds: kinds.length ? kinds : ['other'], entries };
}

/**
 * Identifies what an open backup was started for, so that a later run
 * resumes it only for the same scope and the same center job or rescue (a
 * backup that commits completes the job or rescue it was opened for). The
 * rescue id is added only when present, so keys recorded before rescues
 * existed still match.
 */
export function scopeKey(scope: BackupScope, jobId: string | undefined, rescueId?: string): string {
  const what = 'kinds' in scope ? { kinds: [...new Set(scope.kinds.length ? scope.kinds : DATA_KINDS)].sort() } : { targets: scope.targets };
  return JSON.stringify({ ...what, jobId: jobId ?? null, ...(rescueId ? { rescueId } : {}) });
}
