/**
 * `phonesafe pc rescue*`: the lost-handset rescue desk (seed 004, SPEC
 * R1–R5, docs/design/rescue.md). Request, status and restore take the phone
 * number and the code number instead of the owner's password; setting the
 * code number takes the owner's login.
 */
import type { Command } from 'commander';
import { checkNewCode, formatControlNumber, normalizeControl, normalizePhone } from '@phonesafe/protocol';
import { requestRescue, rescueRestore, rescueStatus, setRescueCode, type RescueStatusResult, type RescueViewResult } from '@phonesafe/pc';
import type { CliEnv } from '../../env.ts';
import { columns, humanTime, plural } from '../../output.ts';
import { readRescueCode } from '../../password.ts';
import { deskVerb, withDesk, type DeskFlags } from './with-desk.ts';
import { pcVerb, withSession } from './with-session.ts';

/** In the order `--help` lists them: the owner's rescue-code, then the desk's verbs. */
export function rescueVerbs(pc: Command, env: CliEnv): void {
  rescueCodeVerb(pc, env);
  deskVerbs(pc, env);
}

function rescueCodeVerb(pc: Command, env: CliEnv): void {
  pcVerb(pc, 'rescue-code', 'set or change the code number the rescue desk asks for, for the phone number of one of your handsets')
    .requiredOption('--phone <number>', "the handset's phone number", normalizePhone)
    .option('--code <digits>', 'the code number, 8-12 digits (else PHONESAFE_RESCUE_CODE, else asked without echo)')
    .action((flags: DeskFlags & { owner?: string }) =>
      withSession(env, flags, async (session, out) => {
        const code = checkNewCode((await readRescueCode(env, flags.code))!);
        await setRescueCode(session, { phone: flags.phone, code });
        out.result(
          { phone: flags.phone, codeSet: true },
          (r) => `code number set for ${r.phone}: with it, the rescue desk saves and erases a lost handset (pc rescue)`,
        );
      }),
    );
}

function deskVerbs(pc: Command, env: CliEnv): void {
  deskVerb(
    pc,
    'rescue',
    'lost handset: have the center save all of its data under a control number and erase it from the handset (no password: phone number + code number)',
  ).action((flags: DeskFlags) =>
    withDesk(env, flags, async (desk, credential, out) => {
      const view = await requestRescue(desk, credential);
      out.result(view, (v) => [
        `rescue ${v.reference} for ${credential.phone}: ${statusText(v.status)}`,
        ...viewDetails(v),
        ...(v.status === 'waiting-for-handset' || v.status === 'saving'
          ? [
              'the center saves and erases the handset as soon as it reaches it; the control number comes in a notice (pc notices) and with pc rescue-status',
            ]
          : []),
      ]);
    }),
  );

  deskVerb(
    pc,
    'rescue-status',
    'the rescues of a phone number (status, control number once saved, attempts, expiry) and their audit trail',
  ).action((flags: DeskFlags) =>
    withDesk(env, flags, async (desk, credential, out) => {
      const status = await rescueStatus(desk, credential);
      out.result(status, statusLines);
    }),
  );

  deskVerb(
    pc,
    'rescue-restore',
    "bring a rescue's saved data back onto the handset (found again) or a replacement with the same phone number",
  )
    .requiredOption(
      '--control <number>',
      'the control number from the rescue-saved notice (dashes and spaces are ignored)',
      normalizeControl,
    )
    .option('--to <handset>', 'name of the destination handset (default: the newest handset with this phone number)')
    .action((flags: DeskFlags & { control: string; to?: string }) =>
      withDesk(env, flags, async (desk, credential, out) => {
        const order = await rescueRestore(desk, { ...credential, control: flags.control, ...(flags.to ? { toHandset: flags.to } : {}) });
        out.result(order, (o) => [
          `restore ${o.restoreId} of rescue ${o.reference} is pending for handset '${o.handsetName}'`,
          'a handset running `handset run` applies it at once, another when it next talks to the center',
        ]);
      }),
    );
}

const STATUS_TEXT: Record<RescueViewResult['status'], string> = {
  'waiting-for-handset': 'waiting for the handset',
  saving: 'saving the handset’s data',
  saved: 'saved; erasing the handset',
  erased: 'saved and erased from the handset',
  restored: 'restored',
  expired: 'expired: the saved data was erased at the center',
  'gave-up': 'gave up: the handset could not be reached',
};

function statusText(status: RescueViewResult['status']): string {
  return STATUS_TEXT[status] ?? status;
}

function viewDetails(v: RescueViewResult): string[] {
  const rows: string[][] = [['requested', `${humanTime(v.requestedAt)} UTC`]];
  if (v.lastAttemptAt) rows.push(['last attempt', `${humanTime(v.lastAttemptAt)} UTC`]);
  if (v.controlNumber) rows.push(['control number', formatControlNumber(v.controlNumber)]);
  if (v.savedAt) rows.push(['saved', `${humanTime(v.savedAt)} UTC${v.files !== null ? ` (${plural(v.files, 'file')})` : ''}`]);
  if (v.erasedAt) rows.push(['erased', `${humanTime(v.erasedAt)} UTC`]);
  if (v.expiresAt)
    rows.push([
      'expires',
      `${humanTime(v.expiresAt)} UTC${v.status === 'expired' ? '' : ' (the saved data is erased at the center then)'}`,
    ]);
  return columns(rows.map(([k, value]) => [`  ${k}`, value!]));
}

function statusLines(s: RescueStatusResult): string[] {
  return [
    `phone ${s.phone}: ${plural(s.rescues.length, 'rescue')}`,
    ...s.rescues.flatMap((v) => [`rescue ${v.reference}: ${statusText(v.status)}`, ...viewDetails(v)]),
    ...(s.audit.length > 0
      ? ['audit trail:', ...columns(s.audit.map((a) => [`  ${humanTime(a.at)}`, a.event, a.reference ?? '-', a.detail]))]
      : ['audit trail: empty']),
  ];
}
