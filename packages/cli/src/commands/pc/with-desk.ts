/**
 * What the rescue desk's verbs share: no owner login, the phone number and
 * the code number set in advance are the credential (docs/design/rescue.md).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { checkCode, normalizePhone } from '@phonesafe/protocol';
import { loadProfile, openRescueDesk, pcConfigDir, resolveCenter, saveProfile, type RescueDesk } from '@phonesafe/pc';
import type { CliEnv } from '../../env.ts';
import { readCaFile, verb } from '../../options.ts';
import { Output } from '../../output.ts';
import { readRescueCode } from '../../password.ts';

export interface DeskFlags {
  center?: string;
  ca?: string;
  phone: string;
  code?: string;
  json?: boolean;
}

export function deskVerb(pc: Command, name: string, description: string): Command {
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
export async function withDesk(
  env: CliEnv,
  flags: DeskFlags,
  run: (desk: RescueDesk, credential: { phone: string; code: string }, out: Output) => Promise<void>,
): Promise<void> {
  const out = new Output(Boolean(flags.json));
  const dir = pcConfigDir(env.pc());
  const profile = await loadProfile(dir);
  const target = resolveCenter({ center: flags.center, ca: flags.ca && resolve(flags.ca) }, env.pc(), profile);
  const code = checkCode((await readRescueCode(env, flags.code))!);
  const ca = target.ca ? await readCaFile(target.ca) : undefined;
  const desk = openRescueDesk({ center: target.center, ...(ca ? { ca } : {}), timeouts: env.httpTimeouts() });
  try {
    await run(desk, { phone: flags.phone, code }, out);
    if (!profile.center) await saveProfile(dir, { ...profile, center: target.center, ...(target.ca ? { ca: target.ca } : {}) });
  } finally {
    await desk.close();
  }
}
