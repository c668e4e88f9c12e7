import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailCounts, MailNoticeEntry } from '@phonesafe/protocol';
import { NEW_PEER_STATE, readJson, writeAtomic, type PeerState } from '@phonesafe/protocol/node';
import { mailDir } from './mail-pairing.ts';

/** DIR/mail/state.json: replay state, counters, notice entries not mailed yet, the refusal rate limit. */
export interface HandsetMailState {
  peer: PeerState;
  counts: MailCounts;
  pendingEntries: MailNoticeEntry[];
  moreRefused: number;
  /** When the last refusal was mailed at once (one per hour; later ones wait for the next notice). */
  lastRefusalNoticeAt?: string;
}

const NEW_STATE: HandsetMailState = {
  peer: NEW_PEER_STATE,
  counts: { received: 0, accepted: 0, refused: 0, answers: 0 },
  pendingEntries: [],
  moreRefused: 0,
};

export const stateFile = (root: string): string => join(mailDir(root), 'state.json');

export function loadState(root: string): Promise<HandsetMailState> {
  return readJson(stateFile(root), NEW_STATE);
}

export function saveState(root: string, state: HandsetMailState): Promise<void> {
  return writeAtomic(stateFile(root), JSON.stringify(state));
}

/** One line of the mail log (seed 000's display section 27): `handset mail-log`. */
export interface MailLogEntry {
  at: string;
  direction: 'in' | 'out';
  code: string;
  outcome: string;
  detail?: string;
  messageId?: string;
  peer?: string;
}

const logFile = (root: string) => join(mailDir(root), 'log.jsonl');

export async function appendLog(root: string, entry: MailLogEntry): Promise<void> {
  await mkdir(mailDir(root), { recursive: true, mode: 0o700 });
  await appendFile(logFile(root), JSON.stringify(entry) + '\n', { mode: 0o600 });
}

export async function readLog(root: string): Promise<MailLogEntry[]> {
  try {
    const text = await readFile(logFile(root), 'utf8');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as MailLogEntry);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
