/** `phonesafe handset mail-*`: the handset's side of backup by mail (SPEC M1–M7, docs/design/mail-protocol.md). */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { PollOptions, PollResult } from '@phonesafe/handset';
import { PhoneSafeError, type OverwritePolicy } from '@phonesafe/protocol';
import { secretOfPairingCode } from '@phonesafe/protocol/node';
import type { CliEnv } from '../../env.ts';
import { parseDuration } from '../../duration.ts';
import { humanTime } from '../../output.ts';
import { readSecret } from '../../password.ts';
import { askOption } from '../../prompt.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

/** The handset mailbox password: PHONESAFE_MAIL_PASSWORD, else asked without echo. Never stored or printed. */
export async function handsetMailPassword(env: CliEnv): Promise<string> {
  const given = env.handsetMailPassword();
  if (given) return given;
  if (!process.stdin.isTTY)
    throw new PhoneSafeError('USAGE', "the handset's mailbox password is needed: set PHONESAFE_MAIL_PASSWORD or run on a terminal");
  return readSecret('Password of the handset mailbox: ');
}

export const overwriteOption = (): Option =>
  new Option('--overwrite <policy>', 'a restore by mail meets items this handset already has: ask, yes or no')
    .choices(['ask', 'yes', 'no'])
    .default('ask');

export async function pollOptions(env: CliEnv, overwrite: OverwritePolicy): Promise<PollOptions> {
  return { password: await handsetMailPassword(env), overwrite, ...askOption() };
}

export function pollLines(r: PollResult): string[] {
  return [
    ...r.accepted.map((a) => `accepted ${a.code} instruction ${a.messageId}: answered ${a.answer ?? ''}`),
    ...r.refused.map((x) => `refused a mail from ${x.from || '?'} (${x.reason}): ${x.detail}; nothing done, no answer`),
    ...(r.unsent > 0 ? [`${r.unsent} mail(s) could not be sent yet (the mail server is unavailable); sent on the next pass`] : []),
  ];
}

async function pairingCode(env: CliEnv, file?: string): Promise<string> {
  if (file) return (await readFile(file, 'utf8')).trim();
  const given = env.mailPairingCode();
  if (given) return given;
  if (!process.stdin.isTTY)
    throw new PhoneSafeError('USAGE', 'the pairing code is needed: --code-file, PHONESAFE_MAIL_PAIRING_CODE or a terminal');
  return readSecret('Pairing code: ');
}

function notifyInterval(value: string): number {
  const seconds = parseDuration(value, '--notify-interval');
  if (seconds < 60 || seconds > 31 * 86_400) throw new PhoneSafeError('USAGE', `--notify-interval must be from 1m to 31d, not '${value}'`);
  return seconds;
}

type PairFlags = HandsetFlags & {
  codeFile?: string;
  address: string;
  smtp: string;
  imap: string;
  pc: string;
  notify: string;
  notifyEvery: string;
  notifyInterval?: number;
  maxMailPayload?: string;
  maxBundle?: string;
};

export function mailVerbs(handset: Command, env: CliEnv): void {
  pairVerb(handset, env);
  handsetVerb(handset, 'mail-poll', 'one pass of the mail responder: answer the instructions in the mailbox, send what waits')
    .addOption(overwriteOption())
    .action((flags: HandsetFlags & { overwrite: OverwritePolicy }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const result = await agent.mailPoll(await pollOptions(env, flags.overwrite));
        out.result(result, (r) => [...pollLines(r), ...(r.accepted.length + r.refused.length === 0 ? ['no new instructions'] : [])]);
      }),
    );

  handsetVerb(handset, 'mail-log', 'what went by mail: instructions received, answers and notices sent, mails refused').action(
    (flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const entries = await agent.mailLog();
        out.result({ entries }, ({ entries: list }) =>
          list.map(
            (e) => `${humanTime(e.at)}  ${e.direction === 'in' ? '<-' : '->'} ${e.code}  ${e.outcome}${e.detail ? `: ${e.detail}` : ''}`,
          ),
        );
      }),
  );

  handsetVerb(handset, 'mail-unpair', 'forget the mail pairing (its secret and state)').action((flags: HandsetFlags) =>
    withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
      await agent.mailUnpair();
      out.result({ unpaired: true }, () => 'the mail pairing is forgotten');
    }),
  );
}

function pairVerb(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'mail-pair', "register the pc's pairing code, this handset's mailbox and the pc and owner addresses")
    .option('--code-file <file>', 'the file `pc mail-pair --code-out` wrote (else PHONESAFE_MAIL_PAIRING_CODE, else asked)')
    .requiredOption('--address <address>', "this handset's mail address")
    .requiredOption('--smtp <url>', 'SMTP submission server, smtp://host:port or smtps://')
    .requiredOption('--imap <url>', 'IMAP server, imap://host:port or imaps://')
    .requiredOption('--pc <address>', 'the registered pc address: answers go there only')
    .requiredOption('--notify <address>', 'the owner address told of every instruction')
    .option('--notify-every <n>', 'one notice every N accepted instructions', '1')
    .option('--notify-interval <duration>', 'instead, one notice every T (1m to 31d, e.g. 1h) for what was done meanwhile', notifyInterval)
    .option('--max-mail-payload <bytes>', 'sealed bytes per mail at most (default 6 MiB)')
    .option('--max-bundle <bytes>', 'bytes of data one answer carries at most (default 64 MiB; more is answered "too-large")')
    .action((flags: PairFlags) =>
      withHandset(env, flags, { deliverPending: false, creates: true }, async (agent, out) => {
        if (flags.notifyInterval !== undefined && flags.notifyEvery !== '1')
          throw new PhoneSafeError('USAGE', 'give --notify-every or --notify-interval, not both');
        const secret = secretOfPairingCode(await pairingCode(env, flags.codeFile));
        const pairing = await agent.mailPair(
          {
            handset: { address: flags.address, smtp: flags.smtp, imap: flags.imap },
            pc: flags.pc,
            owner: flags.notify,
            notifyEvery: Number(flags.notifyEvery),
            ...(flags.notifyInterval !== undefined ? { notifyIntervalSeconds: flags.notifyInterval } : {}),
            maxMailPayload: flags.maxMailPayload ? Number(flags.maxMailPayload) : 6 * 1024 * 1024,
            maxBundle: flags.maxBundle ? Number(flags.maxBundle) : 64 * 1024 * 1024,
          },
          secret,
        );
        out.result(
          { pairingId: pairing.peer.keys.pairingId, pc: flags.pc, owner: flags.notify },
          (r) => `paired with ${r.pc} (pairing ${r.pairingId}); notices go to ${r.owner}`,
        );
      }),
    );
}
