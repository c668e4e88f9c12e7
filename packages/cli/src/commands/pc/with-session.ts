/**
 * What every owner verb of `phonesafe pc` shares: the center, owner and CA
 * flags, and one logged-in session for the length of the command.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadProfile, openSession, pcConfigDir, resolveTarget, saveProfile, type PcSession } from '@phonesafe/pc';
import type { CliEnv } from '../../env.ts';
import { readCaFile, verb } from '../../options.ts';
import { Output } from '../../output.ts';
import { passwordOptions, readPassword, type PasswordSource } from '../../password.ts';

export interface PcFlags extends PasswordSource {
  center?: string;
  owner?: string;
  ca?: string;
  json?: boolean;
}

export function pcVerb(pc: Command, name: string, description: string): Command {
  return passwordOptions(
    verb(pc, name, description)
      .option('--center <url>', 'center URL (else PHONESAFE_CENTER, else the last one used)')
      .option('--owner <email>', "owner's e-mail (else PHONESAFE_OWNER, else the last one used)")
      .option('--ca <file>', 'PEM file of the CA that signed an HTTPS center certificate'),
  );
}

/**
 * Logs in as the owner for one command, and out again when it ends. The
 * center and owner used are remembered (never the password or a token) once
 * the login succeeded, so the next command needs neither flag. `run` gets
 * the password for the one verb that needs it again (`pc passwd`).
 */
export async function withSession(
  env: CliEnv,
  flags: PcFlags,
  run: (session: PcSession, out: Output, password: string) => Promise<void>,
): Promise<void> {
  const out = new Output(Boolean(flags.json));
  const dir = pcConfigDir(env.pc());
  const profile = await loadProfile(dir);
  // An absolute CA path, so the remembered one works from any directory.
  const target = resolveTarget({ center: flags.center, owner: flags.owner, ca: flags.ca && resolve(flags.ca) }, env.pc(), profile);
  const password = await readPassword(env, `Password for ${target.owner}: `, flags);
  const ca = target.ca ? await readCaFile(target.ca) : undefined;
  const session = await openSession({
    center: target.center,
    owner: target.owner,
    password,
    ...(ca ? { ca } : {}),
    timeouts: env.httpTimeouts(),
  });
  try {
    if (target.center !== profile.center || target.owner !== profile.owner || target.ca !== profile.ca) await saveProfile(dir, target);
    await run(session, out, password);
  } finally {
    await session.close();
  }
}
