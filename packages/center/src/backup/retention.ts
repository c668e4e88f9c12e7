import type { DataKind } from '@phonesafe/protocol';

/**
 * Which committed backups a retention policy keeps, with restic `forget`
 * semantics: walk the backups newest first; `keepLast` keeps the first N; each
 * of `keepDaily`/`keepWeekly`/`keepMonthly` keeps the newest backup in each of
 * the N most recent days / ISO weeks / months that have a backup. A backup is
 * kept if any rule keeps it, the newest is always kept, and a policy of all
 * zeros keeps everything (so a missing policy can never delete data).
 * Buckets are computed in UTC, as all center times are.
 */
export interface RetentionPolicy {
  keepLast: number;
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
}

export interface RetentionCandidate {
  id: string;
  committedAt: string;
}

interface Rule {
  remaining: number;
  /** The bucket a backup falls in; the rule keeps the first backup of each new bucket. */
  bucket: (at: Date, id: string) => string;
  last?: string;
}

export function selectForgotten(backups: readonly RetentionCandidate[], policy: RetentionPolicy): { keep: string[]; forget: string[] } {
  const newestFirst = [...backups].sort(
    (a, b) => Date.parse(b.committedAt) - Date.parse(a.committedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
  const ids = newestFirst.map((b) => b.id);
  if (policy.keepLast + policy.keepDaily + policy.keepWeekly + policy.keepMonthly <= 0) {
    return { keep: ids, forget: [] };
  }

  const rules: Rule[] = [
    { remaining: policy.keepLast, bucket: (_at, id) => id },
    { remaining: policy.keepDaily, bucket: (at) => at.toISOString().slice(0, 10) },
    { remaining: policy.keepWeekly, bucket: isoWeek },
    { remaining: policy.keepMonthly, bucket: (at) => at.toISOString().slice(0, 7) },
  ];
  const keep: string[] = [];
  const forget: string[] = [];
  newestFirst.forEach((backup, index) => {
    const at = new Date(backup.committedAt);
    let kept = index === 0;
    for (const rule of rules) {
      if (rule.remaining <= 0) continue;
      const bucket = rule.bucket(at, backup.id);
      if (bucket === rule.last) continue;
      rule.last = bucket;
      rule.remaining -= 1;
      kept = true;
    }
    (kept ? keep : forget).push(backup.id);
  });
  return { keep, forget };
}

export interface KindCandidate extends RetentionCandidate {
  /** Kinds the backup holds items of. */
  kinds: readonly DataKind[];
  /** Kinds it covers completely; null for a backup recorded before this was known (then: all of `kinds`). */
  complete: readonly DataKind[] | null;
}

/**
 * Retention per kind (storage-format.md, B8): the policy applies, for each
 * kind, to the backups that hold items of it, and again to the backups that
 * cover it completely; a backup is kept if any of those lists keeps it. So
 * backups of one kind (ten scheduled contacts-only ones) never push out the
 * newest backup of another, and the newest backup of each kind and the
 * newest complete one of each kind are always kept. Pure, like
 * selectForgotten; the answer lists newest first.
 */
export function selectForgottenByKind(backups: readonly KindCandidate[], policy: RetentionPolicy): { keep: string[]; forget: string[] } {
  const lists = new Map<string, KindCandidate[]>();
  const add = (key: string, backup: KindCandidate) => lists.set(key, [...(lists.get(key) ?? []), backup]);
  for (const backup of backups) {
    for (const kind of new Set(backup.kinds)) add(`holds:${kind}`, backup);
    for (const kind of new Set(backup.complete ?? backup.kinds)) add(`complete:${kind}`, backup);
  }
  const kept = new Set<string>();
  for (const list of lists.values()) for (const id of selectForgotten(list, policy).keep) kept.add(id);
  // A backup that names no kind at all (none are made) is kept: retention never drops what it cannot place.
  for (const backup of backups) if (backup.kinds.length === 0) kept.add(backup.id);
  const { keep: ordered } = selectForgotten(backups, { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 });
  return { keep: ordered.filter((id) => kept.has(id)), forget: ordered.filter((id) => !kept.has(id)) };
}

/** ISO-8601 week of a UTC instant, e.g. "2026-W01" (weeks start Monday; week 1 holds the year's first Thursday). */
function isoWeek(at: Date): string {
  const day = (at.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day + 3));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
