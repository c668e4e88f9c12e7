import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PhoneSafeError } from '@phonesafe/protocol';
import { writeAtomic } from '@phonesafe/protocol/node';
import type { MailSender } from '@phonesafe/protocol/mail-transport';
import { mailDir } from './mail-pairing.ts';

/** Where an outgoing mail goes and, for a part of an answer, which instruction it answers. */
export interface OutgoingMeta {
  to: string;
  /** Answers: the set id of the answer and of the instruction, and the instruction's Message-ID. */
  group?: string;
  re?: string;
  inReplyTo?: string;
  bytes?: number;
}

/**
 * Mails composed but not yet sent, DIR/mail/outbox/<n>.eml with <n>.json, in
 * order. Answers go here first (after their sequence numbers are saved), so
 * a mail server that is down only delays them: every pass sends what is
 * left, and a retry sends the very same bytes (same Message-ID).
 */
export class Outbox {
  readonly #dir: string;

  constructor(root: string) {
    this.#dir = join(mailDir(root), 'outbox');
  }

  async add(mails: ReadonlyArray<{ raw: Buffer; meta: OutgoingMeta }>): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const names = await this.#names();
    let next = names.length ? Number.parseInt(names.at(-1)!, 10) + 1 : 1;
    for (const mail of mails) {
      const name = String(next++).padStart(9, '0');
      await writeAtomic(join(this.#dir, `${name}.json`), JSON.stringify({ ...mail.meta, bytes: mail.raw.length }));
      await writeAtomic(join(this.#dir, `${name}.eml`), mail.raw);
    }
  }

  async size(): Promise<number> {
    return (await this.#names()).length;
  }

  /**
   * Sends in order; stops at the first retryable failure (MAIL_UNAVAILABLE:
   * left for the next pass). A mail refused for good is dropped with the
   * other parts of its set and reported, so one bad mail never blocks the rest.
   */
  async flush(sender: MailSender, onRefused: (error: PhoneSafeError, meta: OutgoingMeta) => Promise<void>): Promise<number> {
    let sent = 0;
    const dropped = new Set<string>();
    for (const name of await this.#names()) {
      const meta = JSON.parse(await readFile(join(this.#dir, `${name}.json`), 'utf8')) as OutgoingMeta;
      if (!meta.group || !dropped.has(meta.group)) {
        try {
          await sender.send({ raw: await readFile(join(this.#dir, `${name}.eml`)), to: meta.to });
          sent++;
        } catch (error) {
          if (error instanceof PhoneSafeError && error.retryable) throw error;
          if (meta.group) dropped.add(meta.group);
          await onRefused(error instanceof PhoneSafeError ? error : new PhoneSafeError('MAIL_REJECTED', String(error)), meta);
        }
      }
      await rm(join(this.#dir, `${name}.eml`), { force: true });
      await rm(join(this.#dir, `${name}.json`), { force: true });
    }
    return sent;
  }

  async #names(): Promise<string[]> {
    const files = await readdir(this.#dir).catch(() => [] as string[]);
    return files
      .filter((f) => f.endsWith('.eml'))
      .map((f) => f.slice(0, -4))
      .sort();
  }
}
