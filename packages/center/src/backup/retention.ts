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

export function selectForgotten(
  backups: readonly RetentionCandidate[],
  policy: RetentionPolicy,
): { keep: string[]; forget: string[] } {
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

/** ISO-8601 week of a UTC instant, e.g. "2026-W01" (weeks start Monday; week 1 holds the year's first Thursday). */
function isoWeek(at: Date): string {
  const day = (at.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day + 3));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
