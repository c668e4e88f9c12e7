/** The owners' settings: the center secret of the fake prelogin, the login lockout. */
import { z } from 'zod';
import { secret, section, setting } from '@phonesafe/server-kit';

export interface LockPolicy {
  /** Wrong tries in a row before the key locks. */
  maxTries: number;
  lockMs: number;
}

export interface OwnerConfig {
  /** Keys the fake prelogin answers; when null the center keeps one in its data directory. */
  centerSecret: string | null;
}

export const owners = section(
  {
    centerSecret: secret(
      setting('PHONESAFE_CENTER_SECRET', z.string().min(32, 'the center secret needs at least 32 characters').optional()),
    ),
  },
  (c): OwnerConfig => ({ centerSecret: c.centerSecret ?? null }),
);

export const login = section(
  // Owner login: 5 wrong passwords in a row lock the e-mail address for 15 minutes (auth/lockout.ts).
  {
    loginMaxTries: setting('PHONESAFE_LOGIN_MAX_TRIES', z.coerce.number().int().min(1).max(1000).default(5)),
    loginLockSeconds: setting(
      'PHONESAFE_LOGIN_LOCK_SECONDS',
      z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 3600)
        .default(900),
    ),
  },
  (c): { login: LockPolicy } => ({ login: { maxTries: c.loginMaxTries, lockMs: c.loginLockSeconds * 1000 } }),
);
