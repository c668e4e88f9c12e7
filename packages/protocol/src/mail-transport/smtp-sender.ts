import nodemailer from 'nodemailer';
import { endpointOf, mailError, type MailAccount } from './mail-account.ts';

/** Sends raw messages we composed (compose.ts); nodemailer only transports them. At-least-once. */
export interface MailSender {
  send(message: { raw: Buffer; to: string }): Promise<void>;
  close(): void;
}

export function smtpSender(account: MailAccount): MailSender {
  const endpoint = endpointOf(account.smtp, { plain: 587, secure: 465 });
  const transport = nodemailer.createTransport({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    // STARTTLS is required off loopback; on loopback the test mail system has none.
    requireTLS: !endpoint.secure && !endpoint.loopback,
    ignoreTLS: !endpoint.secure && endpoint.loopback,
    auth: { user: account.address, pass: account.password },
    connectionTimeout: 30_000,
    socketTimeout: 120_000,
  });
  return {
    async send(message) {
      try {
        await transport.sendMail({ envelope: { from: account.address, to: [message.to] }, raw: message.raw });
      } catch (error) {
        throw mailError(error, `sending mail to ${message.to}`);
      }
    },
    close: () => transport.close(),
  };
}
