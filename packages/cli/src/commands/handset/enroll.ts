/** `phonesafe handset enroll`: the handset joins a center for an owner (registering the owner on first use). */
import type { Command } from 'commander';
import { automaticBackups, type AutomaticBackups, type HandsetAgent } from '@phonesafe/handset';
import { checkNewCode, normalizePhone, PhoneSafeError, type DataKind } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { humanTime } from '../../output.ts';
import { parseKinds, readCaFile } from '../../options.ts';
import { passwordOptions, readPassword, readRescueCode, type PasswordSource } from '../../password.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

export function enrollVerb(handset: Command, env: CliEnv): void {
  const command = handsetVerb(handset, 'enroll', 'enrol this handset at a center for an owner (registers the owner on first use)')
    .requiredOption('--center <url>', 'center URL')
    .requiredOption('--owner <email>', "owner's e-mail address")
    .requiredOption('--name <name>', 'handset name, unique per owner')
    .option('--ca <file>', 'PEM file of the CA that signed an HTTPS center certificate')
    .option(
      '--phone <number>',
      "the handset's phone number, for the lost-handset rescue desk (a replacement is enrolled with the same number)",
      normalizePhone,
    )
    .option(
      '--code <digits>',
      'the rescue desk code number for that phone number, 8-12 digits (else PHONESAFE_RESCUE_CODE; later: pc rescue-code)',
    );
  passwordOptions(command)
    .option('--recovery-key', 'when this registers the owner: make a recovery key, printed once, that can set a new password (pc recover)')
    .option(
      '--targets <kinds>',
      'the kinds scheduled and triggered backups cover, comma-separated (default: contacts; later: handset settings --set targets.kinds=...)',
      parseKinds,
    )
    .action((flags: EnrollFlags) =>
      withHandset(env, flags, { deliverPending: false, creates: true }, async (agent, out) => {
        if (flags.code !== undefined && flags.phone === undefined)
          throw new PhoneSafeError('USAGE', '--code needs --phone: the code number belongs to a phone number');
        // The code from the variable only goes with a phone number; it is never printed.
        const code = flags.phone !== undefined ? await readRescueCode(env, flags.code, { optional: true }) : undefined;
        if (code !== undefined) checkNewCode(code);
        const password = await readPassword(env, `Password for ${flags.owner}: `, flags);
        const ca = flags.ca ? await readCaFile(flags.ca) : undefined;
        const result = await agent.enroll({
          center: flags.center,
          owner: flags.owner,
          password,
          name: flags.name,
          ...(ca ? { ca } : {}),
          ...(flags.phone !== undefined ? { phone: flags.phone } : {}),
          ...(code !== undefined ? { code } : {}),
          ...(flags.recoveryKey ? { recoveryKey: true } : {}),
        });
        // Set once enrolled, so that a failed enrolment changes nothing.
        if (flags.targets) await agent.updateSettings({ targets: { kinds: flags.targets } });
        const automatic = automaticBackups(agent.settings());
        // The center says whether the number has a code: a replacement keeps the lost handset's.
        const view = { ...result, phone: flags.phone ?? null, automatic };
        out.result(view, (r) => enrolledLines(r, flags));
      }),
    );
}

type EnrolledView = Awaited<ReturnType<HandsetAgent['enroll']>> & { phone: string | null; automatic: AutomaticBackups };

function enrolledLines(r: EnrolledView, flags: EnrollFlags): string[] {
  return [
    `enrolled handset '${r.name}' (${r.handsetId}) for ${flags.owner} at ${flags.center}${r.ownerRegistered ? '; new owner registered' : ''}`,
    ...(r.phone
      ? [`phone ${r.phone}${r.rescueCode ? ', rescue desk code number set' : '; no rescue code number yet (pc rescue-code sets one)'}`]
      : []),
    `backed up automatically: ${r.automatic.text}${r.schedule.registered && r.schedule.nextRunAt ? ` (next ${humanTime(r.schedule.nextRunAt)} UTC)` : ''}`,
    ...(r.recoveryKey
      ? [
          `recovery key (shown this once; keep it offline, apart from the password): ${r.recoveryKey}`,
          'with it, `pc recover` sets a new password if this one is lost',
        ]
      : flags.recoveryKey
        ? ['no recovery key made: the owner was registered before (`pc recovery-key` makes one)']
        : []),
    'other data only when you ask: `handset backup` backs up every kind now; change what is automatic with --targets here or `handset settings --set targets.kinds=...`',
  ];
}

interface EnrollFlags extends HandsetFlags, PasswordSource {
  center: string;
  owner: string;
  name: string;
  ca?: string;
  phone?: string;
  code?: string;
  targets?: DataKind[];
  recoveryKey?: boolean;
}
