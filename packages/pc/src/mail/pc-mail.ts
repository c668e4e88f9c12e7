import { PhoneSafeError, type Clock, type DataKind } from '@phonesafe/protocol';
import {
  composeSet,
  deriveMailKeys,
  encodeBundle,
  newPairingSecret,
  pairingCode,
  TargetDir,
  DEFAULT_MAX_MAIL_PAYLOAD,
} from '@phonesafe/protocol/node';
import { smtpSender, type MailServers } from '@phonesafe/protocol/mail-transport';
import { appendPcLog, loadPcPairing, loadPcState, savePcPairing, savePcState, type AnswerRecord, type PcPairing } from './mail-files.ts';
import { MailInbox, type ReceiveResult } from './mail-receive.ts';
import { getBackup, listBackups, openBackup, type MailBackup } from './mail-store.ts';

/**
 * The pc's side of backup by mail (FIG 6, 8, 9, 11): pairing, sending
 * instructions, receiving and checking answers, the store of backups.
 * The mailbox password is passed to each call, never stored.
 */
export class PcMail {
  readonly #dir: string;
  readonly #clock: Clock;

  constructor(pcDir: string, clock: Clock) {
    this.#dir = pcDir;
    this.#clock = clock;
  }

  /** Registers a new pairing; the pairing code (the secret) is answered once, for the handset. */
  async pair(request: { name: string; pc: MailServers; handset: string; owner: string }): Promise<{ pairing: PcPairing; code: string }> {
    const secret = newPairingSecret();
    const file = { ...request, pairingId: deriveMailKeys(secret).pairingId, createdAt: this.#clock.now().toISOString() };
    return { pairing: await savePcPairing(this.#dir, file, secret), code: pairingCode(secret) };
  }

  pairing = (name: string): Promise<PcPairing> => loadPcPairing(this.#dir, name);

  /** M1: mails a backup instruction; answers its set id. */
  backup(name: string, password: string, kinds?: DataKind[]): Promise<string> {
    return this.#instruct(name, password, 'backup', { op: 'backup', ...(kinds ? { kinds } : {}) }, undefined, kinds);
  }

  /** M2: mails a restore instruction carrying the backup (or its `kinds`), sealed. */
  async restore(backupId: string, password: string, kinds?: DataKind[]): Promise<{ re: string; handset: string; files: number }> {
    const backup = await getBackup(this.#dir, backupId);
    const pairing = await this.pairing(backup.handset);
    const files = await openBackup(this.#dir, pairing, backup, kinds);
    const index = {
      format: 'phonesafe-mail-bundle' as const,
      version: 1 as const,
      createdAt: this.#clock.now().toISOString(),
      kinds: [...new Set(files.map((f) => f.meta.kind))],
      files: files.map((f) => f.meta),
    };
    const bundle = encodeBundle(
      index,
      files.map((f) => f.bytes),
    );
    const re = await this.#instruct(backup.handset, password, 'restore', { op: 'restore', backupId }, bundle, undefined, backupId);
    return { re, handset: backup.handset, files: files.length };
  }

  async #instruct(
    name: string,
    password: string,
    code: 'backup' | 'restore',
    header: unknown,
    data?: Buffer,
    kinds?: DataKind[],
    backupId?: string,
  ): Promise<string> {
    const pairing = await this.pairing(name);
    const state = await loadPcState(this.#dir, name);
    if (state.ended)
      throw new PhoneSafeError('MAIL_NOT_PAIRED', `${name} ended the mail pairing at ${state.ended} (after a rescue erase); pair again`);
    const now = this.#clock.now();
    const subject = code === 'backup' ? 'PhoneSafe backup instruction' : 'PhoneSafe restore instruction';
    const set = composeSet(pairing.peer, state.peer, {
      code,
      subject,
      header,
      ...(data ? { data } : {}),
      now,
      maxPart: DEFAULT_MAX_MAIL_PAYLOAD,
    });
    const outstanding = {
      group: set.group,
      messageId: set.mails[0]!.messageId,
      code,
      sentAt: now.toISOString(),
      ...(kinds ? { kinds } : {}),
      ...(backupId ? { backupId } : {}),
    };
    await savePcState(this.#dir, name, { ...state, peer: set.state, outstanding: [...state.outstanding, outstanding] });
    const sender = smtpSender({ ...pairing.file.pc, password });
    try {
      for (const mail of set.mails) await sender.send({ raw: mail.raw, to: pairing.file.handset });
    } finally {
      sender.close();
    }
    await appendPcLog(this.#dir, {
      at: now.toISOString(),
      handset: name,
      direction: 'out',
      code,
      outcome: `sent (${set.mails.length} mail(s))`,
      messageId: outstanding.messageId,
    });
    return set.group;
  }

  /** Processes the pc's mailbox once for every pairing using it (or only `name`'s). */
  receive(password: string, name?: string): Promise<ReceiveResult> {
    return new MailInbox(this.#dir, this.#clock).receive(password, name);
  }

  /** The answer to instruction `re`, once received. */
  async answer(name: string, re: string): Promise<AnswerRecord | undefined> {
    return (await loadPcState(this.#dir, name)).answers[re];
  }

  backups = (handset?: string): Promise<MailBackup[]> => listBackups(this.#dir, handset);

  /** Writes a backup's files (or `kinds`) under `out`, each checked against its hash first. */
  async export(backupId: string, out: string, kinds?: DataKind[]): Promise<{ files: number; bytes: number }> {
    const backup = await getBackup(this.#dir, backupId);
    const files = await openBackup(this.#dir, await this.pairing(backup.handset), backup, kinds);
    const target = await TargetDir.open(
      out,
      files.map((f) => f.meta.path),
    );
    for (const file of files) {
      await target.write(
        file.meta.path,
        (async function* () {
          yield file.bytes;
        })(),
        { mode: 0o644 },
      );
    }
    return { files: files.length, bytes: files.reduce((s, f) => s + f.meta.size, 0) };
  }
}
