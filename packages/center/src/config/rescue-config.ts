/** The rescue desk's settings (rescue.md). */
import { z } from 'zod';
import type { LockPolicy } from './owner-config.ts';
import { section, setting } from '@phonesafe/server-kit';

const DAY_MS = 24 * 3600 * 1000;

export interface RescuePolicy extends LockPolicy {
  /** R5: how long a request waits for the handset to connect. */
  windowMs: number;
  /** R4: how long saved data is kept. */
  retentionMs: number;
  /** How long before expiry the owner is warned. */
  warnMs: number;
}

const bounded = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const rescue = section(
  // rescue.md defaults: 3 wrong tries lock for 15 minutes; wait a year for the handset; keep the save 30 days, warn 3 days before.
  {
    rescueMaxTries: setting('PHONESAFE_RESCUE_MAX_TRIES', bounded(1, 100, 3)),
    rescueLockSeconds: setting('PHONESAFE_RESCUE_LOCK_SECONDS', bounded(1, 30 * 24 * 3600, 900)),
    rescueWindowDays: setting('PHONESAFE_RESCUE_WINDOW_DAYS', bounded(1, 10 * 365, 365)),
    rescueRetentionDays: setting('PHONESAFE_RESCUE_RETENTION_DAYS', bounded(1, 10 * 365, 30)),
    rescueWarnDays: setting('PHONESAFE_RESCUE_WARN_DAYS', bounded(0, 365, 3)),
  },
  (c): { /** The rescue desk (rescue.md). */ rescue: RescuePolicy } => ({
    rescue: {
      maxTries: c.rescueMaxTries,
      lockMs: c.rescueLockSeconds * 1000,
      windowMs: c.rescueWindowDays * DAY_MS,
      retentionMs: c.rescueRetentionDays * DAY_MS,
      warnMs: c.rescueWarnDays * DAY_MS,
    },
  }),
);
