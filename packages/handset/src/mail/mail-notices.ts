import type { MailNotice, MailNoticeEntry } from '@phonesafe/protocol';
import { composeMail, newNonce, type MailPeer } from '@phonesafe/protocol/node';
import type { HandsetMailState } from './mail-state.ts';

const HOUR_MS = 3600_000;

/**
 * M4: what the owner is told. Accepted instructions queue an entry; a
 * notice goes out every `notifyEvery` of them, or every T (batchDue). A refusal goes out at once if
 * none did in the last hour, else it is counted into the next notice (a
 * stranger must not be able to make the handset spam the owner).
 */
export function queueEntry(state: HandsetMailState, entry: MailNoticeEntry, now: Date): { state: HandsetMailState; sendNow: boolean } {
  if (entry.outcome === 'refused') {
    const last = state.lastRefusalNoticeAt ? Date.parse(state.lastRefusalNoticeAt) : -Infinity;
    if (now.getTime() - last < HOUR_MS) return { state: { ...state, moreRefused: state.moreRefused + 1 }, sendNow: false };
    return { state: { ...state, pendingEntries: [...state.pendingEntries, entry], lastRefusalNoticeAt: now.toISOString() }, sendNow: true };
  }
  return { state: { ...state, pendingEntries: [...state.pendingEntries, entry] }, sendNow: false };
}

/** How the owner's notices are batched (the pairing's setting): every N accepted instructions, or every T seconds. */
export type NoticeBatching = { notifyEvery: number; notifyIntervalSeconds?: number | undefined };

/**
 * Whether the accepted entries waiting are due to go out: with an interval,
 * once the oldest of them was answered at least that long ago by `now`;
 * else once they reach the batch size. Pure; asked after every instruction
 * and at the end of every pass.
 */
export function batchDue(state: HandsetMailState, batching: NoticeBatching, now: Date): boolean {
  const accepted = state.pendingEntries.filter((e) => e.outcome === 'accepted');
  if (batching.notifyIntervalSeconds === undefined) return accepted.length >= batching.notifyEvery;
  const oldest = Math.min(...accepted.map((e) => Date.parse(e.answeredAt ?? e.receivedAt)));
  return accepted.length > 0 && now.getTime() - oldest >= batching.notifyIntervalSeconds * 1000;
}

function line(e: MailNoticeEntry): string {
  const what = e.outcome === 'accepted' ? `accepted ${e.code} instruction` : `REFUSED a ${e.code || 'mail'} (${e.reason})`;
  const answer = e.answeredAt ? `; answer sent ${e.answeredAt}${e.files !== undefined ? ` (${e.files} files, ${e.bytes} bytes)` : ''}` : '';
  return `- ${what} ${e.messageId} from ${e.from}, received ${e.receivedAt}${answer}`;
}

/**
 * The notice mail to the owner's registered address: readable text, and the
 * same facts as the signed payload (plain JSON, no memory content), so the
 * pc can check a forwarded notice. Signed with the handset's key.
 */
export function composeNotice(peer: MailPeer, owner: string, state: HandsetMailState, now: Date): { raw: Buffer; state: HandsetMailState } {
  const notice: MailNotice = { op: 'notice', entries: state.pendingEntries, moreRefused: state.moreRefused, counts: state.counts };
  const text = [
    'PhoneSafe: what your handset did by mail.',
    ...notice.entries.map(line),
    ...(notice.moreRefused ? [`- ${notice.moreRefused} more refused mail(s) in the last hour`] : []),
    `Since pairing: ${notice.counts.received} received, ${notice.counts.accepted} accepted, ${notice.counts.refused} refused, ${notice.counts.answers} answers sent.`,
    'If you did not ask for these, someone else may be using your pairing: pair again.',
  ].join('\r\n');
  const { raw } = composeMail({
    keys: peer.keys,
    role: 'hs',
    code: 'notice',
    seq: state.peer.nextSeq,
    now,
    from: peer.selfAddress,
    to: owner,
    subject: notice.entries.some((e) => e.outcome === 'refused')
      ? 'PhoneSafe: a mail to your handset was refused'
      : 'PhoneSafe: mail backup report',
    group: newNonce(),
    part: { index: 1, count: 1 },
    payload: Buffer.from(JSON.stringify(notice)),
    text,
  });
  return { raw, state: { ...state, peer: { ...state.peer, nextSeq: state.peer.nextSeq + 1 }, pendingEntries: [], moreRefused: 0 } };
}
