/**
 * The real mail system for tests: Postfix + Dovecot on loopback, started
 * when a test first asks for a mailbox (scripts/ensure-mail.sh, once per
 * process; a no-op when it already runs). Every test makes its own users
 * (a random local part: every address in the test domains is a mailbox), so
 * tests running in parallel never see or wipe each other's mail. Waits read
 * the Maildirs on disk, polling with `until`, never a fixed sleep.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { until } from './wait.ts';

const ENSURE = fileURLToPath(new URL('../../../scripts/ensure-mail.sh', import.meta.url));
/** The one password of every test mailbox (ensure-mail.sh). */
export const TEST_MAIL_PASSWORD = 'phonesafe-test-mail';
export const TEST_SMTP = 'smtp://127.0.0.1:587';
export const TEST_IMAP = 'imap://127.0.0.1:143';
const STORE = '/var/mail/vhosts';

let running: Promise<void> | undefined;

/** Makes sure Postfix and Dovecot answer on 127.0.0.1 (installs them on a fresh machine, about 20 s). */
export function ensureMail(): Promise<void> {
  running ??= promisify(execFile)('bash', [ENSURE], { timeout: 300_000 }).then(
    () => undefined,
    (error: { stderr?: string }) => {
      throw new Error(`mail system for the tests: ${error.stderr?.trim() || String(error)}`);
    },
  );
  return running;
}

export interface TestMailbox {
  address: string;
  password: string;
  smtp: string;
  imap: string;
}

/** A fresh mailbox `<label>-<random>@<domain>` (domains: phone.test pc.test owner.test evil.test center.test). */
export async function mailbox(label: string, domain: string): Promise<TestMailbox> {
  await ensureMail();
  const address = `${label}-${randomBytes(5).toString('hex')}@${domain}`;
  return { address, password: TEST_MAIL_PASSWORD, smtp: TEST_SMTP, imap: TEST_IMAP };
}

export interface StoredMail {
  /** Path of the message file in the Maildir (any folder). */
  file: string;
  raw: Buffer;
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (/(^|\/)(new|cur)$/.test(dir)) files.push(path);
  }
  return files;
}

/** Every message of a mailbox as the server keeps it on disk, in every folder. */
export async function storedMails(address: string): Promise<StoredMail[]> {
  const [user, domain] = address.toLowerCase().split('@');
  const files = (await walk(join(STORE, domain!, user!, 'Maildir'))).sort();
  return Promise.all(files.map(async (file) => ({ file, raw: await readFile(file) })));
}

/** Messages on disk whose raw text matches (e.g. a direction code header). */
export async function mailsMatching(address: string, pattern: RegExp): Promise<StoredMail[]> {
  return (await storedMails(address)).filter((m) => pattern.test(m.raw.toString('latin1')));
}

/** Waits until at least `count` messages matching `pattern` are in the mailbox. */
export function waitForMail(address: string, pattern: RegExp, count = 1, deadlineMs = 15_000): Promise<StoredMail[]> {
  return until(
    async () => {
      const found = await mailsMatching(address, pattern);
      return found.length >= count ? found : undefined;
    },
    `${count} mail(s) matching ${pattern} for ${address}`,
    deadlineMs,
  );
}

/** Sends raw bytes as a mail from `from`'s account (submission with AUTH), whatever its headers say: forged mail for fault tests. */
export async function sendRawMail(from: TestMailbox, to: string, raw: Buffer): Promise<void> {
  const { smtpSender } = await import('@phonesafe/protocol/mail-transport');
  const sender = smtpSender(from);
  try {
    await sender.send({ raw, to });
  } finally {
    sender.close();
  }
}
