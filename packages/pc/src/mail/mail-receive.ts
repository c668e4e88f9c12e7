import { join } from 'node:path';
import { MailAnswer, MAIL_ANSWERS, PhoneSafeError, type Clock } from '@phonesafe/protocol';
import {
  acceptInto,
  AUTH_HEADER,
  decodeBundle,
  decodeSetPlain,
  IncomingSets,
  parseMessage,
  parseTags,
  singleHeader,
  verifyMail,
  windowFromJson,
  type VerifiedMail,
} from '@phonesafe/protocol/node';
import { openImapMailbox, type Mailbox } from '@phonesafe/protocol/mail-transport';
import {
  appendPcLog,
  listPcPairings,
  loadPcPairing,
  loadPcState,
  mailRoot,
  savePcState,
  type AnswerRecord,
  type PcMailState,
  type PcPairing,
} from './mail-files.ts';
import { newBackupId, recordBackup, type MailBackup } from './mail-store.ts';

export interface ReceiveResult {
  recorded: MailBackup[];
  answers: Array<AnswerRecord & { handset: string; re: string }>;
  refused: Array<{ handset?: string; reason: string; detail: string }>;
  /** Answers with parts still missing. */
  incomplete: Array<{ handset: string; re: string; missing: number[]; of: number }>;
}

const DAY = 86_400;

/**
 * FIG 8 and FIG 11 on the pc: reads the pc's mailbox, checks each answer
 * (M3: from the registered handset address, MAC, window, bound to an
 * instruction this pc has outstanding), collects multi-mail answers, and
 * records a backup once it is whole and every file matches its hash.
 * Refused mail is filed away and logged; nothing is recorded from it.
 */
export class MailInbox {
  readonly #dir: string;
  readonly #clock: Clock;

  constructor(pcDir: string, clock: Clock) {
    this.#dir = pcDir;
    this.#clock = clock;
  }

  /** Processes the pc's mailbox once for every pairing using it (or only `name`'s). */
  async receive(password: string, name?: string): Promise<ReceiveResult> {
    const pairings = name ? [await loadPcPairing(this.#dir, name)] : await listPcPairings(this.#dir);
    const result: ReceiveResult = { recorded: [], answers: [], refused: [], incomplete: [] };
    const byAccount = new Map<string, PcPairing[]>();
    for (const p of pairings) byAccount.set(p.file.pc.address, [...(byAccount.get(p.file.pc.address) ?? []), p]);
    for (const group of byAccount.values()) {
      const box = await openImapMailbox({ ...group[0]!.file.pc, password });
      try {
        for (const { uid } of await box.pending()) await this.#one(box, uid, group, result, !name);
      } finally {
        await box.close();
      }
      for (const p of group) await this.#incomplete(p, result);
    }
    return result;
  }

  async #one(box: Mailbox, uid: number, pairings: PcPairing[], result: ReceiveResult, all: boolean): Promise<void> {
    const raw = await box.fetch(uid);
    const message = parseMessage(raw);
    const value = message && singleHeader(message, AUTH_HEADER);
    const k = value ? parseTags(value)?.k : undefined;
    const pairing = pairings.find((p) => p.peer.keys.pairingId === k);
    // A mail for another pairing on this mailbox is left for that pairing's command.
    if (!pairing && !all && k !== undefined) return;
    const target = pairing ?? pairings[0]!;
    const state = await loadPcState(this.#dir, target.file.name);
    const verdict = verifyMail(raw, {
      keys: target.peer.keys,
      sender: 'hs',
      senderAddress: target.file.handset,
      codes: MAIL_ANSWERS,
      now: this.#clock.now(),
      maxAgeSeconds: () => DAY,
      window: windowFromJson(state.peer.window),
      nonceSeen: (n) => state.peer.seen.includes(n),
    });
    if (!verdict.ok && verdict.reason === 'not-ours') return;
    const outstanding = verdict.ok ? state.outstanding.find((o) => o.group === verdict.mail.tags.re) : undefined;
    if (!verdict.ok || (!outstanding && verdict.mail.code !== 'pairing-ended')) {
      const [reason, detail] = verdict.ok ? ['replay', 'answers no instruction this pc has outstanding'] : [verdict.reason, verdict.detail];
      await box.file(uid, 'refused');
      result.refused.push({ handset: target.file.name, reason, detail });
      await this.#log(target, 'in', verdict.ok ? verdict.mail.code : '?', `refused (${reason})`, detail);
      return;
    }
    await this.#accepted(box, uid, target, state, verdict.mail, result);
  }

  async #accepted(
    box: Mailbox,
    uid: number,
    pairing: PcPairing,
    state: PcMailState,
    mail: VerifiedMail,
    result: ReceiveResult,
  ): Promise<void> {
    const name = pairing.file.name;
    await savePcState(this.#dir, name, { ...state, peer: acceptInto(state.peer, mail.tags) });
    const incoming = this.#incoming(name);
    const missing = await incoming.add(mail.tags, mail.code, mail.messageId, mail.payload);
    await box.file(uid, 'processed');
    if (missing.length > 0) return;
    try {
      const { plain, sealed, meta } = await incoming.open(pairing.peer, mail.tags.g);
      const { header, data } = decodeSetPlain(plain);
      const answer = MailAnswer.parse(header);
      await this.#answer(pairing, mail, answer, data, sealed, meta.count, result);
    } catch (error) {
      const detail = error instanceof PhoneSafeError ? error.detail : 'the answer is malformed';
      result.refused.push({ handset: name, reason: 'altered', detail });
      await this.#log(pairing, 'in', mail.code, 'refused (altered)', detail);
    }
    await incoming.drop(mail.tags.g);
  }

  async #answer(
    pairing: PcPairing,
    mail: VerifiedMail,
    answer: MailAnswer,
    data: Buffer,
    sealed: Buffer,
    mails: number,
    result: ReceiveResult,
  ): Promise<void> {
    const name = pairing.file.name;
    const now = this.#clock.now().toISOString();
    const re = mail.tags.re ?? '';
    let record: AnswerRecord;
    if (answer.op === 'backup-response' && answer.status === 'ok') {
      const { index } = decodeBundle(data);
      const backup: MailBackup = {
        id: newBackupId(this.#clock.now()),
        handset: name,
        receivedAt: now,
        files: index.files.length,
        bytes: answer.bytes,
        mails,
        group: mail.tags.g,
        re,
      };
      await recordBackup(this.#dir, backup, sealed);
      result.recorded.push(backup);
      record = { code: mail.code, status: 'ok', at: now, backupId: backup.id, files: backup.files, bytes: backup.bytes };
    } else if (answer.op === 'pairing-ended') {
      record = { code: mail.code, status: 'pairing-ended', at: now, detail: answer.reason };
    } else {
      const { op: _op, ...rest } = answer;
      record = { code: mail.code, at: now, ...rest };
    }
    const state = await loadPcState(this.#dir, name);
    await savePcState(this.#dir, name, {
      ...state,
      outstanding: state.outstanding.filter((o) => o.group !== re),
      answers: { ...state.answers, [re]: record },
      ...(answer.op === 'pairing-ended' ? { ended: now } : {}),
    });
    result.answers.push({ ...record, handset: name, re });
    await this.#log(pairing, 'in', mail.code, record.status, record.backupId ?? record.detail);
  }

  async #incomplete(pairing: PcPairing, result: ReceiveResult): Promise<void> {
    for (const w of await this.#incoming(pairing.file.name).waiting()) {
      if (w.missing.length > 0)
        result.incomplete.push({ handset: pairing.file.name, re: w.meta.re ?? '', missing: w.missing, of: w.meta.count });
    }
  }

  #incoming = (name: string) => new IncomingSets(join(mailRoot(this.#dir), 'incoming', name));
  #log = (p: PcPairing, direction: 'in' | 'out', code: string, outcome: string, detail?: string) =>
    appendPcLog(this.#dir, {
      at: this.#clock.now().toISOString(),
      handset: p.file.name,
      direction,
      code,
      outcome,
      ...(detail ? { detail } : {}),
    });
}
