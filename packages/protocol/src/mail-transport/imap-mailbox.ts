import { ImapFlow } from 'imapflow';
import { endpointOf, mailError, type MailAccount } from './mail-account.ts';

/** The folders a processed mail is moved to, out of the inbox. */
export type MailFolder = 'processed' | 'refused';
const FOLDERS: Record<MailFolder, string> = { processed: 'PhoneSafe-Processed', refused: 'PhoneSafe-Refused' };

/** What the responder and the pc need of a mailbox: only mails with an MB-Direction-Code header. */
export interface Mailbox {
  /** UIDs in the inbox of mails that carry MB-Direction-Code (other mail is never touched). */
  pending(): Promise<Array<{ uid: number; size: number }>>;
  fetch(uid: number): Promise<Buffer>;
  file(uid: number, folder: MailFolder): Promise<void>;
  close(): Promise<void>;
}

export async function openImapMailbox(account: MailAccount): Promise<Mailbox> {
  const endpoint = endpointOf(account.imap, { plain: 143, secure: 993 });
  const client = new ImapFlow({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    doSTARTTLS: endpoint.secure ? undefined : !endpoint.loopback,
    auth: { user: account.address, pass: account.password },
    logger: false,
    connectionTimeout: 30_000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.mailboxOpen('INBOX');
  } catch (error) {
    await client.logout().catch(() => {});
    throw mailError(error, `opening the mailbox of ${account.address}`);
  }
  const made = new Set<string>();
  const guard = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw mailError(error, what);
    }
  };
  return {
    pending: () =>
      guard('listing mail', async () => {
        const uids = (await client.search({ header: { 'MB-Direction-Code': '' } }, { uid: true })) || [];
        const out: Array<{ uid: number; size: number }> = [];
        for (const uid of uids.sort((a, b) => a - b)) {
          const info = await client.fetchOne(String(uid), { size: true }, { uid: true });
          if (info) out.push({ uid, size: info.size ?? 0 });
        }
        return out;
      }),
    fetch: (uid) =>
      guard('fetching mail', async () => {
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (!message || !message.source) throw new Error(`mail ${uid} is gone`);
        return message.source;
      }),
    file: (uid, folder) =>
      guard('filing mail', async () => {
        const path = FOLDERS[folder];
        if (!made.has(path)) {
          await client.mailboxCreate(path).catch(() => undefined);
          made.add(path);
        }
        await client.messageMove(String(uid), path, { uid: true });
      }),
    close: () => client.logout().catch(() => undefined),
  };
}
