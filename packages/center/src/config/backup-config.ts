/** The backup capability's settings: retention (B8), part size, prune's grace period, the quota (B4). */
import { z } from 'zod';
import { section, setting } from '@phonesafe/server-kit';

const count = (fallback: number) => z.coerce.number().int().min(0).max(100_000).default(fallback);

export interface BackupConfig {
  /** The owner's retention policy (backup/retention.ts). */
  retention: { keepLast: number; keepDaily: number; keepWeekly: number; keepMonthly: number };
  maxPartBytes: number;
  pruneGraceMs: number;
}

export interface QuotaConfig {
  /** Stored bytes an owner may have before new backups are refused (B4), unless the owner has its own. */
  quotaBytes: number;
}

export const backup = section(
  {
    keepLast: setting('PHONESAFE_KEEP_LAST', count(10)),
    keepDaily: setting('PHONESAFE_KEEP_DAILY', count(7)),
    keepWeekly: setting('PHONESAFE_KEEP_WEEKLY', count(4)),
    keepMonthly: setting('PHONESAFE_KEEP_MONTHLY', count(12)),
    // 64 KiB floor: a part must hold at least one chunk of the handset's chunker.
    maxPartBytes: setting(
      'PHONESAFE_MAX_PART_BYTES',
      z.coerce
        .number()
        .int()
        .min(64 * 1024)
        .max(64 * 1024 * 1024)
        .default(8 * 1024 * 1024),
    ),
    pruneGraceSeconds: setting('PHONESAFE_PRUNE_GRACE_SECONDS', z.coerce.number().int().min(0).default(3600)),
  },
  (c): BackupConfig => ({
    retention: { keepLast: c.keepLast, keepDaily: c.keepDaily, keepWeekly: c.keepWeekly, keepMonthly: c.keepMonthly },
    maxPartBytes: c.maxPartBytes,
    pruneGraceMs: c.pruneGraceSeconds * 1000,
  }),
);

export const quota = section(
  {
    quotaBytes: setting(
      'PHONESAFE_QUOTA_BYTES',
      z.coerce
        .number()
        .int()
        .min(0)
        .default(10 * 1024 ** 3),
    ),
  },
  (c): QuotaConfig => ({ quotaBytes: c.quotaBytes }),
);
