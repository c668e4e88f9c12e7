/**
 * `phonesafe pc mail-*`: backup and restore by mail with a paired handset,
 * no center in between (SPEC M1–M7, docs/design/mail-protocol.md).
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { pcConfigDir, PcMail, readPcLog, type AnswerRecord, type ReceiveResult } from '@phonesafe/pc';
import { PhoneSafeError, type DataKind } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { kindsOption, verb } from '../../options.ts';
import { humanBytes, humanTime, Output, plural } from '../../output.ts';
import { readSecret } from '../../password.ts';
import { mailAnswerLines, mailWait, receiveLines } from './mail-output.ts';

interface Flags {
  json?: boolean;
}

const pcMail = (env: CliEnv) => new PcMail(pcConfigDir(env.pc()), env.clock());

/** The pc mailbox password: PHONESAFE_PC_MAIL_PASSWORD, else asked without echo. Never a flag, never printed. */
export async function pcMailPassword(env: CliEnv): Promise<string> {
  const given = env.pcMailPassword();
  if (given) return given;
  if (!process.stdin.isTTY)
    throw new PhoneSafeError('USAGE', "the pc's mailbox password is needed: set PHONESAFE_PC_MAIL_PASSWORD or run on a terminal");
  return readSecret('Password of the pc mailbox: ');
}

export function mailVerbs(pc: Command, env: CliEnv): void {
  pairVerb(pc, env);
  instructionVerbs(pc, env);
  storeVerbs(pc, env);
}

function pairVerb(pc: Command, env: CliEnv): void {
  verb(pc, 'mail-pair', 'pair this pc with a handset for backup by mail: makes the pairing secret and shows its code once')
    .requiredOption('--name <name>', 'a name for the handset')
    .requiredOption('--address <address>', "the pc's mail address")
    .requiredOption('--smtp <url>', "the pc mailbox's SMTP submission server, smtp://host:port or smtps://")
    .requiredOption('--imap <url>', "the pc mailbox's IMAP server, imap://host:port or imaps://")
    .requiredOption('--handset-address <address>', "the handset's mail address (answers are taken only from it)")
    .requiredOption('--notify <address>', 'the owner address the handset reports to')
    .option('--code-out <file>', 'write the pairing code to this file (0600) instead of showing it')
    .action((flags: PairFlags) => pair(env, flags));
}

type PairFlags = Flags & {
  name: string;
  address: string;
  smtp: string;
  imap: string;
  handsetAddress: string;
  notify: string;
  codeOut?: string;
};

async function pair(env: CliEnv, flags: PairFlags): Promise<void> {
  const out = new Output(Boolean(flags.json));
  const { pairing, code } = await pcMail(env).pair({
    name: flags.name,
    pc: { address: flags.address, smtp: flags.smtp, imap: flags.imap },
    handset: flags.handsetAddress,
    owner: flags.notify,
  });
  if (flags.codeOut) await writeFile(flags.codeOut, code + '\n', { mode: 0o600 });
  const shown = flags.codeOut ? {} : { code };
  out.result({ name: pairing.file.name, pairingId: pairing.peer.keys.pairingId, ...shown }, (r) => [
    `paired ${r.name} (pairing ${r.pairingId})`,
    flags.codeOut
      ? `the pairing code is in ${flags.codeOut}: give it to \`phonesafe handset mail-pair\`, then delete it`
      : `pairing code (shown once; give it to \`phonesafe handset mail-pair\`): ${code}`,
  ]);
}

function instructionVerbs(pc: Command, env: CliEnv): void {
  verb(pc, 'mail-backup', 'mail a backup instruction to a paired handset and record its answer')
    .requiredOption('--handset <name>', 'the paired handset')
    .addOption(kindsOption())
    .option('--wait <seconds>', 'how long to wait for the answer (0: send only; pc mail-fetch records it later)', '120')
    .action(async (flags: Flags & { handset: string; kinds?: DataKind[]; wait: string }) => {
      const out = new Output(Boolean(flags.json));
      const mail = pcMail(env);
      const password = await pcMailPassword(env);
      const re = await mail.backup(flags.handset, password, flags.kinds);
      const answer = await mailWait(mail, env, flags.handset, re, password, Number(flags.wait));
      printAnswer(out, flags.handset, re, answer);
    });

  verb(pc, 'mail-restore', 'mail a restore instruction carrying a mail backup (or some kinds of it) to its handset')
    .requiredOption('--backup <id>', 'the mail backup (pc mail-backups)')
    .addOption(kindsOption())
    .option('--wait <seconds>', 'how long to wait for the completion notice (0: send only)', '120')
    .action(async (flags: Flags & { backup: string; kinds?: DataKind[]; wait: string }) => {
      const out = new Output(Boolean(flags.json));
      const mail = pcMail(env);
      const password = await pcMailPassword(env);
      const sent = await mail.restore(flags.backup, password, flags.kinds);
      const answer = await mailWait(mail, env, sent.handset, sent.re, password, Number(flags.wait));
      printAnswer(out, sent.handset, sent.re, answer);
    });
}

function storeVerbs(pc: Command, env: CliEnv): void {
  verb(pc, 'mail-fetch', "read the pc's mailbox once: check and record the handsets' answers")
    .option('--handset <name>', 'only this pairing')
    .action(async (flags: Flags & { handset?: string }) => {
      const out = new Output(Boolean(flags.json));
      const result: ReceiveResult = await pcMail(env).receive(await pcMailPassword(env), flags.handset);
      out.result(result, receiveLines);
    });

  verb(pc, 'mail-backups', 'list the backups received by mail')
    .option('--handset <name>', "only this handset's")
    .action(async (flags: Flags & { handset?: string }) => {
      const out = new Output(Boolean(flags.json));
      const backups = await pcMail(env).backups(flags.handset);
      out.result({ backups }, ({ backups: list }) => [
        ...list.map(
          (b) =>
            `backup ${b.id}  ${humanTime(b.receivedAt)}  handset ${b.handset}  ${plural(b.files, 'file')}  ${humanBytes(b.bytes)}  (${plural(b.mails, 'mail')})`,
        ),
        plural(list.length, 'backup'),
      ]);
    });

  verb(pc, 'mail-export', 'decrypt the files of a mail backup into a directory (each checked against its hash)')
    .requiredOption('--backup <id>', 'the mail backup')
    .requiredOption('--out <dir>', 'directory to write the files under')
    .addOption(kindsOption())
    .action(async (flags: Flags & { backup: string; out: string; kinds?: DataKind[] }) => {
      const out = new Output(Boolean(flags.json));
      const result = await pcMail(env).export(flags.backup, flags.out, flags.kinds);
      out.result(
        result,
        (r) => `exported ${plural(r.files, 'file')} (${humanBytes(r.bytes)}) of mail backup ${flags.backup} to ${flags.out}`,
      );
    });

  verb(pc, 'mail-log', 'what went by mail: instructions sent, answers received, mails refused')
    .option('--handset <name>', 'only this pairing')
    .action(async (flags: Flags & { handset?: string }) => {
      const out = new Output(Boolean(flags.json));
      const entries = (await readPcLog(pcConfigDir(env.pc()))).filter((e) => !flags.handset || e.handset === flags.handset);
      out.result({ entries }, ({ entries: list }) =>
        list.map(
          (e) =>
            `${humanTime(e.at)}  ${e.handset}  ${e.direction === 'in' ? '<-' : '->'} ${e.code}  ${e.outcome}${e.detail ? `: ${e.detail}` : ''}`,
        ),
      );
    });
}

function printAnswer(out: Output, handset: string, re: string, answer: AnswerRecord | undefined): void {
  if (!answer) {
    out.result(
      { handset, instruction: re, sent: true },
      () => `instruction sent to ${handset}; \`phonesafe pc mail-fetch\` records the answer when it arrives`,
    );
    return;
  }
  if (answer.status === 'too-large') throw new PhoneSafeError('MAIL_TOO_LARGE', `${answer.detail ?? 'the answer is too large'}`);
  out.result({ handset, instruction: re, ...answer }, (a) => mailAnswerLines(handset, a));
}
