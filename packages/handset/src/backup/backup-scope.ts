import { DATA_KINDS, type DataKind } from '@phonesafe/protocol';
import type { VersionRecords, VersionRecord } from '../backup-area/version-records.ts';
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

/** A generation a backup started now would send, and what it declares. */
export interface SelectedGeneration {
  /** Kinds it holds items of, declared to the center (at least one). */
  kinds: DataKind[];
  /** Of those, the kinds it covers completely (manifest `complete`, retention per kind). */
  complete: DataKind[];
  entries: VersionRecord[];
}

/**
 * The generation a backup started now would send: the newest copied version
 * of every item in scope, plus every offloaded stub (B9) whatever the scope.
 * A stub's content exists only at the center, so every generation names it
 * and retention never drops its only copy; it costs no upload (its parts
 * are at the center) and declares no kind of its own. The center needs at
 * least one kind; a targets selection that names no kind and matches
 * nothing is declared as 'other'.
 */
export function selectGeneration(versions: VersionRecords, scope: BackupScope, stubs: readonly VersionRecord[] = []): SelectedGeneration {
  const complete = completeOf(scope);
  const inScope =
    'kinds' in scope ? versions.newest(complete) : versions.newest(DATA_KINDS).filter((entry) => isTarget(entry, scope.targets));
  const declared = [...new Set([...complete, ...inScope.map((entry) => entry.kind)])].sort();
  const named = new Set(inScope.map((entry) => entry.itemId));
  const entries = [...inScope, ...stubs.filter((stub) => !named.has(stub.itemId))].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  return { kinds: declared.length ? declared : ['other'], complete, entries };
}

/** The kinds a scope covers completely: all its kinds, or the targets' kinds (extensions, apps and keywords pick only some items). */
export function completeOf(scope: BackupScope): DataKind[] {
  if ('kinds' in scope) return [...new Set(scope.kinds.length ? scope.kinds : DATA_KINDS)].sort();
  return [...new Set(scope.targets.kinds)].sort();
}

/**
 * The same for an open backup, from its recorded scope key (scopeKey): a
 * resumed backup declares what it was opened for. A backup opened before
 * scopes were recorded is never resumed; an unreadable key covers nothing.
 */
export function completeOfKey(key: string | null): DataKind[] {
  if (key === null) return [];
  try {
    const parsed = JSON.parse(key) as { kinds?: DataKind[]; targets?: Targets };
    if (Array.isArray(parsed.kinds)) return completeOf({ kinds: parsed.kinds });
    if (parsed.targets && Array.isArray(parsed.targets.kinds)) return completeOf({ targets: parsed.targets });
  } catch {
    // Not JSON: cover nothing, which only makes a later restore look further back.
  }
  return [];
}

/**
 * Identifies what an open backup was started for, so that a later run
 * resumes it only for the same scope and the same center job or rescue (a
 * backup that commits completes the job or rescue it was opened for). The
 * rescue id is added only when present, so keys recorded before rescues
 * existed still match.
 */
export function scopeKey(scope: BackupScope, jobId: string | undefined, rescueId?: string): string {
  const what =
    'kinds' in scope ? { kinds: [...new Set(scope.kinds.length ? scope.kinds : DATA_KINDS)].sort() } : { targets: scope.targets };
  return JSON.stringify({ ...what, jobId: jobId ?? null, ...(rescueId ? { rescueId } : {}) });
}
