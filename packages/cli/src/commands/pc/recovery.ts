/**
 * `phonesafe pc recovery-key | recover`: the owner's recovery key
 * (encryption.md): made (or replaced) and shown once, and used to set a new
 * password when the old one is lost, without logging in.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { clientOptions, centerUrl, loadProfile, pcConfigDir, resolveTarget } from '@phonesafe/pc';
import { PhoneSafeError } from '@phonesafe/protocol';
import { CenterClient, recoverOwner, setRecoveryKey } from '@phonesafe/protocol/node';
import type { CliEnv } from '../../env.ts';
import { readCaFile, verb } from '../../options.ts';
import { Output, plural } from '../../output.ts';
import { readNewPassword, readSecret } from '../../password.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

export function recoveryVerbs(pc: Command, env: CliEnv): void {
  pcVerb(pc, 'recovery-key', 'make a recovery key (replacing any earlier one), shown once: with it, pc recover sets a new password').action(
    (flags: PcFlags) =>
      withSession(env, flags, async (session, out) => {
        const recoveryKey = await setRecoveryKey(session.owner);
        out.result({ owner: session.owner.email, recoveryKey }, (r) => [
          `recovery key for ${r.owner} (shown this once; keep it offline, apart from the password; an earlier one no longer works):`,
          r.recoveryKey,
        ]);
      }),
  );

  verb(
    pc,
    'recover',
    'lost password: set a new one with the recovery key (PHONESAFE_RECOVERY_KEY, --recovery-key-file, or asked); every session ends',
  )
    .option('--center <url>', 'center URL (else PHONESAFE_CENTER, else the last one used)')
    .option('--owner <email>', "owner's e-mail (else PHONESAFE_OWNER, else the last one used)")
    .option('--ca <file>', 'PEM file of the CA that signed an HTTPS center certificate')
    .option('--recovery-key-file <file>', 'read the recovery key from this file')
    .option('--new-password-file <file>', 'read the new password from this file (its first line)')
    .action(async (flags: PcFlags & { recoveryKeyFile?: string; newPasswordFile?: string }) => {
      const out = new Output(Boolean(flags.json));
      const profile = await loadProfile(pcConfigDir(env.pc()));
      const target = resolveTarget({ center: flags.center, owner: flags.owner, ca: flags.ca && resolve(flags.ca) }, env.pc(), profile);
      const recoveryKey = await readRecoveryKey(env, flags.recoveryKeyFile);
      const newPassword = await readNewPassword(env, flags.newPasswordFile !== undefined ? { passwordFile: flags.newPasswordFile } : {});
      const ca = target.ca ? await readCaFile(target.ca) : undefined;
      const client = new CenterClient(clientOptions(centerUrl(target.center), { ...(ca ? { ca } : {}), timeouts: env.httpTimeouts() }));
      try {
        const { endedSessions } = await recoverOwner(client, target.owner, recoveryKey, newPassword);
        out.result({ owner: target.owner, endedSessions }, (r) => [
          `new password set for ${r.owner} with the recovery key; ${plural(r.endedSessions, 'session')} ended`,
          'the recovery key still works; handsets keep working; the owner has a notice of this',
        ]);
      } finally {
        await client.close();
      }
    });
}

async function readRecoveryKey(env: CliEnv, file: string | undefined): Promise<string> {
  if (file !== undefined) {
    return readFile(file, 'utf8').catch((error: Error) => {
      throw new PhoneSafeError('USAGE', `--recovery-key-file: cannot read ${file}: ${error.message}`);
    });
  }
  const fromEnv = env.recoveryKey();
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY)
    throw new PhoneSafeError('USAGE', 'a recovery key is needed: set PHONESAFE_RECOVERY_KEY, use --recovery-key-file or run on a terminal');
  return readSecret('Recovery key: ');
}
