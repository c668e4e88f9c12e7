/**
 * Sends the queued notice mails (mail-notifier.ts) in its own loop, apart
 * from the scheduler tick, so a slow or absent mail server never delays a
 * backup job. Several centers on one database each run one: a row is claimed
 * by one of them only (notice-mail-repo.ts claimDue), so a notice is mailed
 * once. A failed send is tried again after 1 min, 5 min, 30 min, then every
 * 2 h, for a day; a mail the server refuses for good is given up at once.
 */
import type { Clock } from '@phonesafe/protocol';
import { PhoneSafeError } from '@phonesafe/protocol';
import { smtpSender, type MailSender } from '@phonesafe/protocol/mail-transport';
import type { Logger } from '@phonesafe/server-kit';
import type { NoticeMailConfig } from '../config/config.ts';
import type { NoticeMailRepo, NoticeMailRow } from './notice-mail-repo.ts';

const LEASE_MS = 5 * 60_000;
const BATCH = 20;
const BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000];
const EVERY_MS = 2 * 3600_000;
const GIVE_UP_AFTER = 15;

/** RFC 2047 for a non-ASCII subject. */
const encodedWord = (text: string) => (/^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`);

export function noticeMailRaw(row: NoticeMailRow, from: string, at: Date): Buffer {
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const lines = [
    `From: PhoneSafe <${from}>`,
    `To: <${row.to}>`,
    `Subject: ${encodedWord(row.subject)}`,
    `Date: ${at.toUTCString().replace(/GMT$/, '+0000')}`,
    `Message-ID: <notice.${row.id}@${domain}>`,
    'Auto-Submitted: auto-generated',
    `PhoneSafe-Notice: ${row.kind}; id=${row.id}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    ...(Buffer.from(row.body.replace(/\r?\n/g, '\r\n'), 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

export class NoticeMailDispatcher {
  readonly #repo: NoticeMailRepo;
  readonly #clock: Clock;
  readonly #config: NoticeMailConfig;
  readonly #log: Logger;
  readonly #password: string;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #sender: MailSender | undefined;

  constructor(deps: { noticeMail: NoticeMailRepo; clock: Clock; config: NoticeMailConfig; password: string; log: Logger }) {
    this.#password = deps.password;
    this.#repo = deps.noticeMail;
    this.#clock = deps.clock;
    this.#config = deps.config;
    this.#log = deps.log;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.runOnce(), this.#config.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    this.#sender?.close();
    this.#sender = undefined;
  }

  /** One look at the outbox (one at a time); answers how many mails went out. */
  runOnce(): Promise<void> {
    this.#running ??= this.#send().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #send(): Promise<void> {
    const now = this.#clock.now();
    let rows: NoticeMailRow[];
    try {
      rows = await this.#repo.claimDue(now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), BATCH);
    } catch (error) {
      this.#log.warn({ err: error }, 'notice mail: cannot read the outbox');
      return;
    }
    for (const row of rows) await this.#one(row);
  }

  async #one(row: NoticeMailRow): Promise<void> {
    this.#sender ??= smtpSender({
      address: this.#config.user,
      smtp: this.#config.smtp,
      imap: 'imap://unused',
      password: this.#password,
    });
    const now = this.#clock.now();
    try {
      await this.#sender.send({ raw: noticeMailRaw(row, this.#config.from, now), to: row.to });
      await this.#repo.markSent(row.id, now.toISOString());
    } catch (error) {
      const failure = error instanceof PhoneSafeError ? error : new PhoneSafeError('MAIL_UNAVAILABLE', String(error));
      const giveUp = !failure.retryable || row.attempts + 1 >= GIVE_UP_AFTER;
      const delay = BACKOFF_MS[row.attempts] ?? EVERY_MS;
      await this.#repo.markFailed(
        row.id,
        `${failure.code}: ${failure.detail}`,
        giveUp ? null : new Date(now.getTime() + delay).toISOString(),
      );
      this.#log.warn({ notice: row.id, code: failure.code, giveUp }, 'notice mail not sent');
      this.#sender?.close();
      this.#sender = undefined;
    }
  }
}
