/** Owner notices by mail (issue 13): the SMTP server the center sends them through; none set: notices are only stored. */
import { PhoneSafeError } from '@phonesafe/protocol';
import { z } from 'zod';
import { secret, section, setting } from '@phonesafe/server-kit';

export interface NoticeMailConfig {
  /** smtp://host:port (STARTTLS off loopback) or smtps://host:port. */
  smtp: string;
  /** The SMTP login (default: the From address). */
  user: string;
  from: string;
  /** Real milliseconds between two looks at the outbox. */
  intervalMs: number;
}

export const noticeMail = section(
  {
    smtpUrl: setting('PHONESAFE_SMTP_URL', z.url({ protocol: /^smtps?$/ }).optional()),
    smtpUser: setting('PHONESAFE_SMTP_USER', z.string().min(1).optional()),
    smtpPassword: secret(setting('PHONESAFE_SMTP_PASSWORD', z.string().optional())),
    mailFrom: setting('PHONESAFE_MAIL_FROM', z.email().optional()),
    noticeMailIntervalMs: setting('PHONESAFE_NOTICE_MAIL_INTERVAL_MS', z.coerce.number().int().min(10).max(3_600_000).default(1000)),
  },
  // The password stays a top-level setting, so printing the configuration masks it (server-kit's load.ts).
  (c): { noticeMail: NoticeMailConfig | null; smtpPassword: string | null } => {
    const smtpPassword = c.smtpPassword ?? null;
    if (!c.smtpUrl) return { noticeMail: null, smtpPassword };
    if (!c.mailFrom) throw new PhoneSafeError('USAGE', 'PHONESAFE_MAIL_FROM is required when PHONESAFE_SMTP_URL is set');
    return {
      noticeMail: {
        smtp: c.smtpUrl,
        user: c.smtpUser ?? c.mailFrom,
        from: c.mailFrom,
        intervalMs: c.noticeMailIntervalMs,
      },
      smtpPassword,
    };
  },
);
