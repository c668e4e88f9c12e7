import { join } from 'node:path';
import {
  MailCommand,
  MAIL_INSTRUCTIONS,
  PhoneSafeError,
  type Clock,
  type MailNoticeEntry,
  type OverwritePolicy,
} from '@phonesafe/protocol';
import {
  acceptInto,
  composeSet,
  decodeSetPlain,
  IncomingSets,
  verifyMail,
  windowFromJson,
  type VerifiedMail,
  type Verdict,
} from '@phonesafe/protocol/node';
import { openImapMailbox, smtpSender, type Mailbox, type MailAccount, type MailSender } from '@phonesafe/protocol/mail-transport';
import type { SaveItem } from '../memory/import-export.ts';
import type { Memory } from '../memory/memory.ts';
import type { AskOverwrite } from '../restore/overwrite.ts';
import { backupAnswer, restoreAnswer, tooLargeAnswer, type Answer } from './mail-actions.ts';
import { batchDue, composeNotice, queueEntry } from './mail-notices.ts';
import { Outbox, type OutgoingMeta } from './mail-outbox.ts';
import { mailDir, type HandsetPairing } from './mail-pairing.ts';
import { appendLog, loadState, saveState, type HandsetMailState } from './mail-state.ts';

export interface PollOptions {
  password: string;
  /** Items the restore would overwrite: ask (the owner, through `ask`), yes or no. */
  overwrite?: OverwritePolicy;
  ask?: AskOverwrite;
}

/** What one pass did. */
export interface PollResult {
  accepted: Array<{ code: string; messageId: string; answer?: string }>;
  refused: Array<{ reason: string; detail: string; from: string }>;
  sent: number;
  /** Mails still waiting in the outbox (the server could not take them): sent on a later pass. */
  unsent: number;
}

const DAY = 86_400;
const maxAge = (code: string) => (code === 'restore' ? 3600 : DAY);

/**
 * One pass of the handset's mail responder (FIG 7, FIG 10): send what the
 * outbox holds, read the mailbox, check each instruction (M3), do it, answer
 * the REGISTERED pc address (never From or Reply-To), tell the owner (M4).
 * Refused mail gets no answer, changes nothing, and is filed away.
 */
export class MailResponder {
  readonly #root: string;
  readonly #pairing: HandsetPairing;
  readonly #memory: Memory;
  readonly #save: SaveItem;
  readonly #clock: Clock;
  readonly #outbox: Outbox;
  readonly #incoming: IncomingSets;
  #state!: HandsetMailState;

  constructor(root: string, pairing: HandsetPairing, deps: { memory: Memory; save: SaveItem; clock: Clock }) {
    this.#root = root;
    this.#pairing = pairing;
    this.#memory = deps.memory;
    this.#save = deps.save;
    this.#clock = deps.clock;
    this.#outbox = new Outbox(root);
    this.#incoming = new IncomingSets(join(mailDir(root), 'incoming'));
  }

  async poll(options: PollOptions): Promise<PollResult> {
    this.#state = await loadState(this.#root);
    const account: MailAccount = { ...this.#pairing.settings.handset, password: options.password };
    const result: PollResult = { accepted: [], refused: [], sent: 0, unsent: 0 };
    const sender = smtpSender(account);
    try {
      result.sent += await this.#flush(sender);
      const box = await openImapMailbox(account);
      try {
        for (const { uid, size } of await box.pending()) await this.#one(box, uid, size, options, result);
      } finally {
        await box.close();
      }
      // M4 every T: a batch can come due with no new mail, as the clock moves on.
      if (batchDue(this.#state, this.#pairing.settings, this.#clock.now())) await this.#notice();
      result.sent += await this.#flush(sender);
    } catch (error) {
      if (!(error instanceof PhoneSafeError) || !error.retryable) throw error;
      result.unsent = await this.#outbox.size();
      if (result.unsent === 0) throw error;
    } finally {
      sender.close();
    }
    return result;
  }

  async #one(box: Mailbox, uid: number, size: number, options: PollOptions, result: PollResult): Promise<void> {
    const limit = this.#pairing.settings.maxMailPayload * 1.4 + 64 * 1024;
    const verdict: Verdict =
      size > limit
        ? { ok: false, reason: 'altered', detail: 'larger than any mail of ours', summary: { from: '', subject: '', messageId: '' } }
        : this.#verify(await box.fetch(uid));
    if (!verdict.ok && verdict.reason === 'not-ours') return;
    if (!verdict.ok) {
      await box.file(uid, 'refused');
      result.refused.push({ reason: verdict.reason, detail: verdict.detail, from: verdict.summary.from });
      await this.#refused(verdict.reason, verdict.detail, verdict.summary, '');
      return;
    }
    const mail = verdict.mail;
    const now = this.#clock.now();
    this.#state = { ...this.#state, peer: acceptInto(this.#state.peer, mail.tags) };
    this.#state.counts = { ...this.#state.counts, received: this.#state.counts.received + 1 };
    await saveState(this.#root, this.#state);
    const missing = await this.#incoming.add(mail.tags, mail.code, mail.messageId, mail.payload);
    await box.file(uid, 'processed');
    await appendLog(this.#root, {
      at: now.toISOString(),
      direction: 'in',
      code: mail.code,
      outcome: missing.length ? `part ${mail.tags.p.index}/${mail.tags.p.count}` : 'accepted',
      messageId: mail.messageId,
    });
    if (missing.length > 0) return;
    await this.#instruction(mail, now, options, result);
  }

  #verify(raw: Buffer): Verdict {
    const s = this.#state.peer;
    return verifyMail(raw, {
      keys: this.#pairing.peer.keys,
      sender: 'pc',
      senderAddress: this.#pairing.settings.pc,
      codes: MAIL_INSTRUCTIONS,
      now: this.#clock.now(),
      maxAgeSeconds: maxAge,
      window: windowFromJson(s.window),
      nonceSeen: (n) => s.seen.includes(n),
    });
  }

  /** A whole instruction set: open, do, answer, tell the owner. */
  async #instruction(mail: VerifiedMail, receivedAt: Date, options: PollOptions, result: PollResult): Promise<void> {
    const group = mail.tags.g;
    let command;
    let data;
    try {
      const { plain } = await this.#incoming.open(this.#pairing.peer, group);
      const decoded = decodeSetPlain(plain);
      command = MailCommand.parse(decoded.header);
      data = decoded.data;
    } catch (error) {
      await this.#incoming.drop(group);
      const detail = error instanceof PhoneSafeError ? error.detail : 'the sealed instruction is malformed';
      result.refused.push({ reason: 'altered', detail, from: this.#pairing.settings.pc });
      await this.#refused('altered', detail, { from: this.#pairing.settings.pc, messageId: mail.messageId }, mail.code);
      return;
    }
    await this.#incoming.drop(group);
    const settings = this.#pairing.settings;
    const answer =
      command.op === 'backup'
        ? await backupAnswer(this.#memory, command.kinds, receivedAt, settings.maxBundle)
        : await restoreAnswer(this.#memory, this.#save, command.backupId, data, options);
    const ids = await this.#answer(answer, { group, inReplyTo: mail.messageId });
    const counts = this.#state.counts;
    this.#state = { ...this.#state, counts: { ...counts, accepted: counts.accepted + 1, answers: counts.answers + 1 } };
    const entry: MailNoticeEntry = {
      outcome: 'accepted',
      code: mail.code,
      messageId: mail.messageId.slice(0, 200),
      from: settings.pc,
      receivedAt: receivedAt.toISOString(),
      answeredAt: this.#clock.now().toISOString(),
      answerIds: ids.slice(0, 20),
      ...(answer.files !== undefined ? { files: answer.files, bytes: answer.bytes } : {}),
    };
    this.#state = queueEntry(this.#state, entry, this.#clock.now()).state;
    if (batchDue(this.#state, settings, this.#clock.now())) await this.#notice();
    await saveState(this.#root, this.#state);
    result.accepted.push({ code: mail.code, messageId: mail.messageId, answer: answer.header.status });
  }

  /** Seals and queues an answer to the registered pc address (never From or Reply-To); its Message-IDs. */
  async #answer(answer: Answer, to: { group: string; inReplyTo: string }): Promise<string[]> {
    const code = answer.header.op;
    const set = composeSet(this.#pairing.peer, this.#state.peer, {
      code,
      subject: code === 'backup-response' ? 'PhoneSafe backup response' : 'PhoneSafe restore completion notice',
      header: answer.header,
      ...(answer.data ? { data: answer.data } : {}),
      now: this.#clock.now(),
      maxPart: this.#pairing.settings.maxMailPayload,
      re: to.group,
      inReplyTo: to.inReplyTo,
    });
    this.#state = { ...this.#state, peer: set.state };
    await saveState(this.#root, this.#state);
    const pc = this.#pairing.settings.pc;
    await this.#outbox.add(
      set.mails.map((m) => ({ raw: m.raw, meta: { to: pc, group: set.group, re: to.group, inReplyTo: to.inReplyTo } })),
    );
    await appendLog(this.#root, {
      at: this.#clock.now().toISOString(),
      direction: 'out',
      code,
      outcome: `${answer.header.status} (${set.mails.length} mail(s))`,
      messageId: set.mails[0]?.messageId,
      peer: pc,
    });
    return set.mails.map((m) => m.messageId);
  }

  /** A refused mail: counted, logged, and the owner told (rate-limited). Nothing else changes. */
  async #refused(reason: string, detail: string, summary: { from: string; messageId: string }, code: string): Promise<void> {
    const now = this.#clock.now();
    const counts = this.#state.counts;
    this.#state = { ...this.#state, counts: { ...counts, received: counts.received + 1, refused: counts.refused + 1 } };
    const entry: MailNoticeEntry = {
      outcome: 'refused',
      code,
      reason,
      messageId: summary.messageId,
      from: summary.from,
      receivedAt: now.toISOString(),
    };
    const queued = queueEntry(this.#state, entry, now);
    this.#state = queued.state;
    if (queued.sendNow) await this.#notice();
    await saveState(this.#root, this.#state);
    await appendLog(this.#root, {
      at: now.toISOString(),
      direction: 'in',
      code: code || '?',
      outcome: `refused (${reason})`,
      detail,
      messageId: summary.messageId,
      peer: summary.from,
    });
  }

  async #notice(): Promise<void> {
    const { raw, state } = composeNotice(this.#pairing.peer, this.#pairing.settings.owner, this.#state, this.#clock.now());
    this.#state = state;
    await saveState(this.#root, this.#state);
    await this.#outbox.add([{ raw, meta: { to: this.#pairing.settings.owner } }]);
  }

  /** Sends the outbox; an answer the mail server refuses as too large is replaced by a small signed "too-large" answer (sent too). */
  async #flush(sender: MailSender): Promise<number> {
    let replaced = false;
    const onRefused = async (error: PhoneSafeError, meta: OutgoingMeta) => {
      const at = this.#clock.now().toISOString();
      await appendLog(this.#root, {
        at,
        direction: 'out',
        code: '?',
        outcome: 'not sent',
        detail: `${error.code}: ${error.detail}`,
        peer: meta.to,
      });
      if (error.code !== 'MAIL_TOO_LARGE' || !meta.re || !meta.inReplyTo) return;
      await this.#answer(tooLargeAnswer(meta.bytes ?? 0, this.#pairing.settings.maxMailPayload), {
        group: meta.re,
        inReplyTo: meta.inReplyTo,
      });
      replaced = true;
    };
    let sent = await this.#outbox.flush(sender, onRefused);
    if (replaced) sent += await this.#outbox.flush(sender, onRefused);
    return sent;
  }
}
