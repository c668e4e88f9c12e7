/**
 * `phonesafe pc rescue*`: the lost-handset rescue desk (seed 004, SPEC
 * R1–R5, docs/design/rescue.md). Request, status and restore take the phone
 * number and the code number instead of the owner's password; setting the
 * code number takes the owner's login.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkCode, checkNewCode, formatControlNumber, normalizeControl, normalizePhone } from '@phonesafe/protocol';
import {
  loadProfile,
  openRescueDesk,
  pcConfigDir,
  requestRescue,
  rescueRestore,
  rescueStatus,
  resolveCenter,
  saveProfile,
  setRescueCode,
  type PcSession,
  type RescueDesk,
  type RescueStatusResult,
  type RescueViewResult,
} from '@phonesafe/pc';
import { httpTimeouts } from '../http-timeouts.ts';
import { readCaFile, verb } from '../options.ts';
import { columns, humanTime, plural, Output } from '../output.ts';
import { readRescueCode } from '../password.ts';

interface DeskFlags {
  center?: string;
  ca?: string;
  phone: string;
  code?: string;
  json?: boolean;
}

type OwnerVerb = (name: string, description: string) => Command;
type WithSession = (
  flags: { center?: string; owner?: string; ca?: string; json?: boolean },
  run: (session: PcSession, out: Output) => Promise<void>,
) => Promise<void>;

export function pcRescueCommands(pc: Command, ownerVerb: OwnerVerb, withSession: WithSession): void {
  ownerVerb('rescue-code', 'set or change the code number the rescue desk asks for, for the phone number of one of your handsets')
    .requiredOption('--phone <number>', "the handset's phone number", normalizePhone)
    .option('--code <digits>', 'the code number, 8-12 digits (else PHONESAFE_RESCUE_CODE, else asked without echo)')
    .action((flags: DeskFlags & { owner?: string }) =>
      withSession(flags, async (session, out) => {
        const code = checkNewCode((await readRescueCode(flags.code))!);
        await setRescueCode(session, { phone: flags.phone, code });
        out.result(
          { phone: flags.phone, codeSet: true },
          (r) => `code number set for ${r.phone}: with it, the rescue desk saves and erases a lost handset (pc rescue)`,
        );
      }),
    );

  deskVerb(
    pc,
    'rescue',
    'lost handset: have the center save all of its data under a control number and erase it from the handset (no password: phone number + code number)',
  ).action((flags: DeskFlags) =>
    withDesk(flags, async (desk, credential, out) => {
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
    withDesk(flags, async (desk, credential, out) => {
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
      withDesk(flags, async (desk, credential, out) => {
        const order = await rescueRestore(desk, { ...credential, control: flags.control, ...(flags.to ? { toHandset: flags.to } : {}) });
        out.result(order, (o) => [
          `restore ${o.restoreId} of rescue ${o.reference} is pending for handset '${o.handsetName}'`,
          'a handset running `handset run` applies it at once, another when it next talks to the center',
        ]);
      }),
    );
}

function deskVerb(pc: Command, name: string, description: string): Command {
  return verb(pc, name, description)
    .option('--center <url>', 'center URL (else PHONESAFE_CENTER, else the last one used)')
    .option('--ca <file>', 'PEM file of the CA that signed an HTTPS center certificate')
    .requiredOption('--phone <number>', "the lost handset's phone number", normalizePhone)
    .option('--code <digits>', 'the code number set in advance (else PHONESAFE_RESCUE_CODE, else asked without echo)');
}

/**
 * Runs one desk call with a client that carries no credential. The center
 * is remembered when none is yet, so the next desk call needs no --center.
 */
async function withDesk(
  flags: DeskFlags,
  run: (desk: RescueDesk, credential: { phone: string; code: string }, out: Output) => Promise<void>,
): Promise<void> {
  const out = new Output(Boolean(flags.json));
  const dir = pcConfigDir();
  const profile = await loadProfile(dir);
  const target = resolveCenter({ center: flags.center, ca: flags.ca && resolve(flags.ca) }, process.env, profile);
  const code = checkCode((await readRescueCode(flags.code))!);
  const ca = target.ca ? await readCaFile(target.ca) : undefined;
  const desk = openRescueDesk({ center: target.center, ...(ca ? { ca } : {}), timeouts: httpTimeouts() });
  try {
    await run(desk, { phone: flags.phone, code }, out);
    if (!profile.center) await saveProfile(dir, { ...profile, center: target.center, ...(target.ca ? { ca: target.ca } : {}) });
  } finally {
    await desk.close();
  }
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
