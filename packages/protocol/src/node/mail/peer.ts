import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PhoneSafeError } from '../../errors.ts';
import type { AuthTags } from './auth-info.ts';
import { composeMail, newNonce } from './compose.ts';
import type { MailKeys, MailRole } from './mail-keys.ts';
import { encodeSetPlain, openSet, sealIntoParts, MAX_PARTS } from './payload.ts';
import { windowAccept, windowFromJson, windowToJson } from './replay-window.ts';

/**
 * One side of a pairing, as both the pc and the handset run it: the keys,
 * the addresses, the persisted sequence counter and replay state, sending a
 * sealed set as parts, and collecting received parts until a set is whole.
 */
export interface MailPeer {
  keys: MailKeys;
  self: MailRole;
  selfAddress: string;
  peerAddress: string;
}

/** Persisted per pairing (JSON): the next sequence number to send, the window of the peer's, the nonces accepted. */
export interface PeerState {
  nextSeq: number;
  window: { high: number; bitmap: string };
  seen: string[];
}

export const NEW_PEER_STATE: PeerState = { nextSeq: 1, window: { high: 0, bitmap: '0' }, seen: [] };
const SEEN_KEPT = 1024;

export const peerOf = (role: MailRole): MailRole => (role === 'pc' ? 'hs' : 'pc');

/** The state after accepting a verified mail: its sequence number in the window, its nonce remembered. */
export function acceptInto(state: PeerState, tags: AuthTags): PeerState {
  const window = windowToJson(windowAccept(windowFromJson(state.window), tags.s));
  return { ...state, window, seen: [...state.seen, tags.n].slice(-SEEN_KEPT) };
}

export interface OutgoingSet {
  code: string;
  subject: string;
  header: unknown;
  data?: Buffer;
  now: Date;
  maxPart: number;
  /** Answers: the set id of the instruction and its Message-ID. */
  re?: string;
  inReplyTo?: string;
}

export interface ComposedSet {
  group: string;
  mails: Array<{ raw: Buffer; messageId: string }>;
  /** The state with the sequence numbers used: persist it BEFORE sending (a crash leaves a gap, never a reuse). */
  state: PeerState;
}

/** Seals a set under this side's key and composes one mail per part. */
export function composeSet(peer: MailPeer, state: PeerState, set: OutgoingSet): ComposedSet {
  const group = newNonce();
  const binding = { pairingId: peer.keys.pairingId, role: peer.self, code: set.code, group, ...(set.re ? { re: set.re } : {}) };
  const parts = sealIntoParts(peer.keys.enc[peer.self], encodeSetPlain(set.header, set.data), binding, set.maxPart);
  if (parts.length > MAX_PARTS) {
    throw new PhoneSafeError('MAIL_TOO_LARGE', `${parts.length} mails would be needed; at most ${MAX_PARTS} are sent for one answer`);
  }
  const mails = parts.map((payload, i) => {
    const { raw, messageId } = composeMail({
      keys: peer.keys,
      role: peer.self,
      code: set.code,
      seq: state.nextSeq + i,
      now: set.now,
      from: peer.selfAddress,
      to: peer.peerAddress,
      subject: parts.length > 1 ? `${set.subject} (${i + 1}/${parts.length})` : set.subject,
      group,
      part: { index: i + 1, count: parts.length },
      payload,
      ...(set.re ? { re: set.re } : {}),
      ...(set.inReplyTo ? { inReplyTo: set.inReplyTo } : {}),
    });
    return { raw, messageId };
  });
  return { group, mails, state: { ...state, nextSeq: state.nextSeq + parts.length } };
}

export interface IncomingMeta {
  code: string;
  count: number;
  re?: string;
  messageIds: string[];
}

/**
 * Received parts of sets, under `dir/<group>/`: each part as `<i>.part`,
 * with `meta.json`. A set is opened once every part is there.
 */
export class IncomingSets {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Keeps a verified part; answers the part numbers still missing. */
  async add(tags: AuthTags, code: string, messageId: string, payload: Buffer): Promise<number[]> {
    const dir = join(this.#dir, tags.g);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const meta = (await this.meta(tags.g)) ?? { code, count: tags.p.count, ...(tags.re ? { re: tags.re } : {}), messageIds: [] };
    if (meta.count !== tags.p.count || meta.code !== code || meta.re !== tags.re) {
      throw new PhoneSafeError('MAIL_REFUSED', 'a part does not belong to the set it names', { reason: 'altered' });
    }
    await writeAtomic(join(dir, `${tags.p.index}.part`), payload);
    meta.messageIds = [...new Set([...meta.messageIds, messageId])];
    await writeAtomic(join(dir, 'meta.json'), Buffer.from(JSON.stringify(meta)));
    return this.missing(tags.g);
  }

  async meta(group: string): Promise<IncomingMeta | undefined> {
    try {
      return JSON.parse(await readFile(join(this.#dir, group, 'meta.json'), 'utf8')) as IncomingMeta;
    } catch {
      return undefined;
    }
  }

  /** The part numbers of a set not received yet. */
  async missing(group: string): Promise<number[]> {
    const meta = await this.meta(group);
    if (!meta) return [];
    const have = new Set((await readdir(join(this.#dir, group))).filter((n) => n.endsWith('.part')).map((n) => Number.parseInt(n, 10)));
    return Array.from({ length: meta.count }, (_, i) => i + 1).filter((i) => !have.has(i));
  }

  /** Every set still waiting for parts. */
  async waiting(): Promise<Array<{ group: string; meta: IncomingMeta; missing: number[] }>> {
    const groups = await readdir(this.#dir).catch(() => [] as string[]);
    const out = [];
    for (const group of groups) {
      const meta = await this.meta(group);
      if (meta) out.push({ group, meta, missing: await this.missing(group) });
    }
    return out;
  }

  /** The whole sealed set (every part present). */
  async sealed(group: string): Promise<Buffer> {
    const meta = await this.meta(group);
    if (!meta) throw new PhoneSafeError('MAIL_INCOMPLETE', `no parts of set ${group}`);
    const parts = [];
    for (let i = 1; i <= meta.count; i++) parts.push(await readFile(join(this.#dir, group, `${i}.part`)));
    return Buffer.concat(parts);
  }

  /** Opens a whole set with the peer's key. */
  async open(peer: MailPeer, group: string): Promise<{ meta: IncomingMeta; plain: Buffer; sealed: Buffer }> {
    const meta = await this.meta(group);
    if (!meta) throw new PhoneSafeError('MAIL_INCOMPLETE', `no parts of set ${group}`);
    const sealed = await this.sealed(group);
    const sender = peerOf(peer.self);
    const binding = {
      pairingId: peer.keys.pairingId,
      role: sender,
      code: meta.code,
      group,
      parts: meta.count,
      ...(meta.re ? { re: meta.re } : {}),
    };
    return { meta, sealed, plain: openSet(peer.keys.enc[sender], sealed, binding) };
  }

  async drop(group: string): Promise<void> {
    await rm(join(this.#dir, group), { recursive: true, force: true });
  }
}

/** tmp + rename, 0600. */
export async function writeAtomic(path: string, data: Buffer | string): Promise<void> {
  const temp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, data, { mode: 0o600 });
  await rename(temp, path);
}

/** A JSON file, or `fallback` when it does not exist. */
export async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new PhoneSafeError('LOCAL_IO', `cannot read ${path}: ${(error as Error).message}`);
  }
}
