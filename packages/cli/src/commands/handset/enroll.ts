/** `phonesafe handset enroll`: the handset joins a center for an owner (registering the owner on first use). */
import type { Command } from 'commander';
import { checkNewCode, normalizePhone, PhoneSafeError } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { readCaFile } from '../../options.ts';
import { readPassword, readRescueCode } from '../../password.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

export function enrollVerb(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'enroll', 'enrol this handset at a center for an owner (registers the owner on first use)')
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
    )
    .action((flags: HandsetFlags & { center: string; owner: string; name: string; ca?: string; phone?: string; code?: string }) =>
      withHandset(env, flags, { deliverPending: false, enrolling: true }, async (agent, out) => {
        if (flags.code !== undefined && flags.phone === undefined)
          throw new PhoneSafeError('USAGE', '--code needs --phone: the code number belongs to a phone number');
        // The code from the variable only goes with a phone number; it is never printed.
        const code = flags.phone !== undefined ? await readRescueCode(env, flags.code, { optional: true }) : undefined;
        if (code !== undefined) checkNewCode(code);
        const password = await readPassword(env, `Password for ${flags.owner}: `);
        const ca = flags.ca ? await readCaFile(flags.ca) : undefined;
        const result = await agent.enroll({
          center: flags.center,
          owner: flags.owner,
          password,
          name: flags.name,
          ...(ca ? { ca } : {}),
          ...(flags.phone !== undefined ? { phone: flags.phone } : {}),
          ...(code !== undefined ? { code } : {}),
        });
        // The center says whether the number has a code: a replacement keeps the lost handset's.
        const view = { ...result, phone: flags.phone ?? null };
        out.result(view, (r) => [
          `enrolled handset '${r.name}' (${r.handsetId}) for ${flags.owner} at ${flags.center}${r.ownerRegistered ? '; new owner registered' : ''}`,
          ...(r.phone
            ? [
                `phone ${r.phone}${r.rescueCode ? ', rescue desk code number set' : '; no rescue code number yet (pc rescue-code sets one)'}`,
              ]
            : []),
        ]);
      }),
    );
}
