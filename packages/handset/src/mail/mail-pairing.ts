import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PhoneSafeError } from '@phonesafe/protocol';
import { deriveMailKeys, readJson, writeAtomic, type MailPeer } from '@phonesafe/protocol/node';
import { MailServers } from '@phonesafe/protocol/mail-transport';

/**
 * The handset's mail pairing (seed 000's "registration information"):
 * DIR/mail/pairing.json (its own mailbox's servers, the registered pc and
 * owner addresses, limits and the notice batching) and DIR/mail/pairing.key
 * (the 32-byte pairing secret). Both 0600. The mailbox password is never
 * stored. Forgotten by `handset mail-unpair` and by a rescue erase (M7).
 */
export const HandsetMailSettings = z.strictObject({
  handset: MailServers,
  pc: z.email(),
  owner: z.email(),
  /** M4: one notice to the owner every N accepted instructions (1: after each). */
  notifyEvery: z.number().int().min(1).max(1000).default(1),
  /**
   * M4: or one notice every T seconds: the accepted instructions wait until
   * the oldest of them is this old, then go out in one notice (checked on
   * every pass of the responder, by the handset's clock). With it set,
   * notifyEvery is 1 and not used.
   */
  notifyIntervalSeconds: z
    .number()
    .int()
    .min(60)
    .max(31 * 86_400)
    .optional(),
  maxMailPayload: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(6 * 1024 * 1024),
  maxBundle: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(64 * 1024 * 1024),
});
export type HandsetMailSettings = z.infer<typeof HandsetMailSettings>;

export interface HandsetPairing {
  settings: HandsetMailSettings;
  peer: MailPeer;
}

export const mailDir = (root: string): string => join(root, 'mail');
const settingsFile = (root: string) => join(mailDir(root), 'pairing.json');
const keyFile = (root: string) => join(mailDir(root), 'pairing.key');

export async function savePairing(root: string, settings: HandsetMailSettings, secret: Buffer): Promise<HandsetPairing> {
  const checked = HandsetMailSettings.parse(settings);
  await rm(mailDir(root), { recursive: true, force: true });
  await mkdir(mailDir(root), { recursive: true, mode: 0o700 });
  await writeAtomic(keyFile(root), secret);
  await writeAtomic(settingsFile(root), JSON.stringify(checked, null, 2) + '\n');
  return pairingOf(checked, secret);
}

export async function loadPairing(root: string): Promise<HandsetPairing | undefined> {
  const raw = await readJson<unknown>(settingsFile(root), undefined);
  if (raw === undefined) return undefined;
  const settings = HandsetMailSettings.safeParse(raw);
  if (!settings.success) throw new PhoneSafeError('LOCAL_IO', `${settingsFile(root)} is damaged; pair again`);
  // No secret: the pairing was ended (mail-end.ts), only its last mails may wait to go out.
  const secret = await readFile(keyFile(root)).catch(() => undefined);
  return secret && pairingOf(settings.data, secret);
}

export async function requirePairing(root: string): Promise<HandsetPairing> {
  const pairing = await loadPairing(root);
  if (!pairing) throw new PhoneSafeError('MAIL_NOT_PAIRED', 'this handset has no mail pairing: run `phonesafe handset mail-pair` first');
  return pairing;
}

/** Deletes the pairing secret and everything mail left (M7). */
export async function forgetPairing(root: string): Promise<void> {
  await rm(mailDir(root), { recursive: true, force: true });
}

function pairingOf(settings: HandsetMailSettings, secret: Buffer): HandsetPairing {
  return {
    settings,
    peer: { keys: deriveMailKeys(secret), self: 'hs', selfAddress: settings.handset.address, peerAddress: settings.pc },
  };
}
