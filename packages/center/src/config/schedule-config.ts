/** The schedules' and live channel's settings (live-channel.md): the default retry policy, the transfer deadline, the channel's rate limit. */
import type { RetryPolicy } from '@phonesafe/protocol';
import { z } from 'zod';
import { section, setting } from '@phonesafe/server-kit';

export interface ScheduleConfig {
  /** Retry policy of a handset whose schedule overrides nothing (B3). */
  defaultRetry: RetryPolicy;
  /** How long a handset has, after OK, to commit the backup. */
  transferTimeoutMs: number;
}

export interface ChannelConfig {
  /** Messages a channel socket may send: `burst` at once, `perSecond` over time. */
  channel: { burst: number; perSecond: number };
}

export const schedules = section(
  // live-channel.md defaults: retry every 10 minutes, answer within 60 s, 6 tries.
  {
    retryIntervalSeconds: setting(
      'PHONESAFE_RETRY_INTERVAL_SECONDS',
      z.coerce
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 3600)
        .default(600),
    ),
    answerTimeoutSeconds: setting('PHONESAFE_ANSWER_TIMEOUT_SECONDS', z.coerce.number().int().min(1).max(3600).default(60)),
    maxTries: setting('PHONESAFE_MAX_TRIES', z.coerce.number().int().min(1).max(100).default(6)),
    transferTimeoutSeconds: setting(
      'PHONESAFE_TRANSFER_TIMEOUT_SECONDS',
      z.coerce
        .number()
        .int()
        .min(1)
        .default(30 * 60),
    ),
  },
  (c): ScheduleConfig => ({
    defaultRetry: { intervalSeconds: c.retryIntervalSeconds, answerTimeoutSeconds: c.answerTimeoutSeconds, maxTries: c.maxTries },
    transferTimeoutMs: c.transferTimeoutSeconds * 1000,
  }),
);

export const channel = section(
  // Channel messages per socket: a burst of 50, then 10 a second (channel/rate-limit.ts).
  {
    channelBurst: setting('PHONESAFE_CHANNEL_BURST', z.coerce.number().int().min(1).max(100_000).default(50)),
    channelRate: setting('PHONESAFE_CHANNEL_RATE', z.coerce.number().positive().max(100_000).default(10)),
  },
  (c): ChannelConfig => ({ channel: { burst: c.channelBurst, perSecond: c.channelRate } }),
);
