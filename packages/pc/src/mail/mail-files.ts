import { appendFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PhoneSafeError } from '@phonesafe/protocol';
import { deriveMailKeys, NEW_PEER_STATE, readJson, writeAtomic, type MailPeer, type PeerState } from '@phonesafe/protocol/node';
import { MailServers } from '@phonesafe/protocol/mail-transport';

/**
 * What the pc keeps for backup by mail, under `pcdir/mail/` (all 0600/0700):
 *   pairings/<name>.json, <name>.key   the pairing: the pc's mailbox servers,
 *                                      the handset's and owner's addresses; the secret
 *   state/<name>.json                  sequence counter, replay window, instructions outstanding and their answers
 *   incoming/<name>/<set>/             parts of answers not yet whole
 *   store/<name>/<backupId>/           a received backup as received (sealed) + backup.json, written last
 *   log.jsonl                          the mail log (`pc mail-log`)
 */
export const PcPairingFile = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  pairingId: z.string(),
  pc: MailServers,
  handset: z.email(),
  owner: z.email(),
  createdAt: z.string(),
});
export type PcPairingFile = z.infer<typeof PcPairingFile>;

export interface PcPairing {
  file: PcPairingFile;
  peer: MailPeer;
}

export const mailRoot = (pcDir: string): string => join(pcDir, 'mail');
const pairingsDir = (pcDir: string) => join(mailRoot(pcDir), 'pairings');

export async function ensureDirs(pcDir: string): Promise<void> {
  for (const dir of ['', 'pairings', 'state', 'incoming', 'store'])
    await mkdir(join(mailRoot(pcDir), dir), { recursive: true, mode: 0o700 });
}

export async function savePcPairing(pcDir: string, file: PcPairingFile, secret: Buffer): Promise<PcPairing> {
  await ensureDirs(pcDir);
  await writeAtomic(join(pairingsDir(pcDir), `${file.name}.key`), secret);
  await writeAtomic(join(pairingsDir(pcDir), `${file.name}.json`), JSON.stringify(file, null, 2) + '\n');
  return pairingOf(file, secret);
}

export async function loadPcPairing(pcDir: string, name: string): Promise<PcPairing> {
  const raw = await readJson<unknown>(join(pairingsDir(pcDir), `${name}.json`), undefined);
  if (raw === undefined) throw new PhoneSafeError('MAIL_NOT_PAIRED', `no mail pairing named ${name}: run \`phonesafe pc mail-pair\` first`);
  const file = PcPairingFile.parse(raw);
  return pairingOf(file, await readFile(join(pairingsDir(pcDir), `${name}.key`)));
}

export async function listPcPairings(pcDir: string): Promise<PcPairing[]> {
  const names = (await readdir(pairingsDir(pcDir)).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  return Promise.all(names.sort().map((n) => loadPcPairing(pcDir, n.slice(0, -5))));
}

function pairingOf(file: PcPairingFile, secret: Buffer): PcPairing {
  return { file, peer: { keys: deriveMailKeys(secret), self: 'pc', selfAddress: file.pc.address, peerAddress: file.handset } };
}

/** An instruction sent and not answered yet (answers carry its set id in `re=`). */
export interface Outstanding {
  group: string;
  messageId: string;
  code: 'backup' | 'restore';
  sentAt: string;
  kinds?: string[];
  backupId?: string;
}

/** What an answer said, kept by instruction set id so a waiting command finds it. */
export interface AnswerRecord {
  code: string;
  status: string;
  at: string;
  backupId?: string;
  detail?: string;
  files?: number;
  bytes?: number;
  restored?: number;
  skipped?: number;
  alreadyThere?: number;
  conflicts?: string[];
}

export interface PcMailState {
  peer: PeerState;
  outstanding: Outstanding[];
  answers: Record<string, AnswerRecord>;
  /** The handset said it forgot the pairing (M7). */
  ended?: string;
}

const stateFile = (pcDir: string, name: string) => join(mailRoot(pcDir), 'state', `${name}.json`);

export function loadPcState(pcDir: string, name: string): Promise<PcMailState> {
  return readJson(stateFile(pcDir, name), { peer: NEW_PEER_STATE, outstanding: [], answers: {} });
}

export async function savePcState(pcDir: string, name: string, state: PcMailState): Promise<void> {
  await ensureDirs(pcDir);
  await writeAtomic(stateFile(pcDir, name), JSON.stringify(state));
}

export interface PcLogEntry {
  at: string;
  handset: string;
  direction: 'in' | 'out';
  code: string;
  outcome: string;
  detail?: string;
  messageId?: string;
}

export async function appendPcLog(pcDir: string, entry: PcLogEntry): Promise<void> {
  await ensureDirs(pcDir);
  await appendFile(join(mailRoot(pcDir), 'log.jsonl'), JSON.stringify(entry) + '\n', { mode: 0o600 });
}

export async function readPcLog(pcDir: string): Promise<PcLogEntry[]> {
  const text = await readFile(join(mailRoot(pcDir), 'log.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PcLogEntry);
}
