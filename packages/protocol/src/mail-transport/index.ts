/**
 * `@phonesafe/protocol/mail-transport`: the SMTP and IMAP adapters of backup
 * by mail (docs/design/mail-protocol.md), on nodemailer and imapflow. Only
 * code that imports this subpath loads them.
 */
export * from './mail-account.ts';
export * from './smtp-sender.ts';
export * from './imap-mailbox.ts';
