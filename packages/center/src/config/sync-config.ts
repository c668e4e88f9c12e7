/** SIM sync's settings (sync.md): the wrong-try limit of a session start's terminal password or PIN (S4). */
import { z } from 'zod';
import { section, setting } from '@phonesafe/server-kit';
import type { LockPolicy } from './owner-config.ts';

export const sync = section(
  // 10 wrong terminal passwords or PINs in a row (at most 10, the project's guess limit) lock that terminal's sync for 15 minutes.
  {
    syncMaxTries: setting('PHONESAFE_SYNC_MAX_TRIES', z.coerce.number().int().min(1).max(10).default(10)),
    syncLockSeconds: setting(
      'PHONESAFE_SYNC_LOCK_SECONDS',
      z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 3600)
        .default(900),
    ),
  },
  (c): { sync: LockPolicy } => ({ sync: { maxTries: c.syncMaxTries, lockMs: c.syncLockSeconds * 1000 } }),
);
