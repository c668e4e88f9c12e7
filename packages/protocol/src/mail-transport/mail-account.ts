import { z } from 'zod';
import { PhoneSafeError } from '../errors.ts';

/**
 * One mailbox: its address, SMTP submission and IMAP URLs (stored in
 * settings), and the password (never stored: from the environment or a
 * prompt at each run, never printed).
 */
export const MailServers = z.strictObject({
  address: z.email().max(254),
  /** smtp://host:port (STARTTLS when offered) or smtps://host:port. */
  smtp: z.url({ protocol: /^smtps?$/ }),
  /** imap://host:port or imaps://host:port. */
  imap: z.url({ protocol: /^imaps?$/ }),
});
export type MailServers = z.infer<typeof MailServers>;

export interface MailAccount extends MailServers {
  password: string;
}

export interface Endpoint {
  host: string;
  port: number;
  secure: boolean;
  /** Plain text allowed: only on loopback. */
  loopback: boolean;
}

export function endpointOf(url: string, defaults: { plain: number; secure: number }): Endpoint {
  const parsed = new URL(url);
  const secure = parsed.protocol.endsWith('s:');
  const host = parsed.hostname;
  const port = parsed.port ? Number(parsed.port) : secure ? defaults.secure : defaults.plain;
  if (!host) throw new PhoneSafeError('USAGE', `no host in mail server URL ${url}`);
  return { host, port, secure, loopback: host === '127.0.0.1' || host === '::1' || host === 'localhost' };
}

/** A nodemailer/imapflow error as a PhoneSafeError: 552 too large, other 5xx refused for good, the rest retryable. */
export function mailError(error: unknown, what: string): PhoneSafeError {
  if (error instanceof PhoneSafeError) return error;
  const e = error as { responseCode?: number; message?: string; authenticationFailed?: boolean };
  const message = (e.message ?? String(error)).replace(/[\r\n]+/g, ' ').slice(0, 300);
  if (e.responseCode === 552) return new PhoneSafeError('MAIL_TOO_LARGE', `${what}: ${message}`, {}, { cause: error });
  if (e.authenticationFailed || e.responseCode === 535)
    return new PhoneSafeError('MAIL_REJECTED', `${what}: login refused`, {}, { cause: error });
  if (e.responseCode !== undefined && e.responseCode >= 500)
    return new PhoneSafeError('MAIL_REJECTED', `${what}: ${message}`, {}, { cause: error });
  return new PhoneSafeError('MAIL_UNAVAILABLE', `${what}: ${message}`, {}, { cause: error });
}
