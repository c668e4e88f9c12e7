import { PhoneSafeError } from '@phonesafe/protocol';
import type { CliEnv } from './env.ts';

/**
 * The owner's password: PHONESAFE_PASSWORD (for scripts and tests), else a
 * prompt on the terminal without echo. Never from a flag, where it would
 * show up in `ps` and shell history.
 */
export async function readPassword(env: CliEnv, prompt: string): Promise<string> {
  const fromEnv = env.password();
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new PhoneSafeError('USAGE', 'a password is needed: set PHONESAFE_PASSWORD or run on a terminal to be asked');
  }
  return readSecret(prompt);
}

/**
 * A new owner password (`pc passwd`): PHONESAFE_NEW_PASSWORD, else asked
 * twice on the terminal without echo. Never from a flag.
 */
export async function readNewPassword(env: CliEnv): Promise<string> {
  const fromEnv = env.newPassword();
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new PhoneSafeError('USAGE', 'a new password is needed: set PHONESAFE_NEW_PASSWORD or run on a terminal to be asked');
  }
  const first = await readSecret('New password: ');
  if ((await readSecret('New password again: ')) !== first) throw new PhoneSafeError('USAGE', 'the two new passwords differ');
  return first;
}

/**
 * A rescue desk code number (seed 004): the `--code` flag, else
 * PHONESAFE_RESCUE_CODE, else a prompt on the terminal without echo. Never
 * printed back. The flag is accepted with a warning on stderr (stdout stays
 * clean for --json): any local user can read it in the process list.
 * `optional`: undefined instead of asking or failing when neither flag nor
 * variable gives one.
 */
export async function readRescueCode(
  env: CliEnv,
  flag: string | undefined,
  options: { optional?: boolean } = {},
): Promise<string | undefined> {
  if (flag !== undefined) process.stderr.write(`phonesafe: ${CODE_FLAG_WARNING}\n`);
  const given = flag ?? env.rescueCode();
  if (given !== undefined) return given;
  if (options.optional) return undefined;
  if (!process.stdin.isTTY) {
    throw new PhoneSafeError('USAGE', 'a code number is needed: use --code, set PHONESAFE_RESCUE_CODE or run on a terminal to be asked');
  }
  return readSecret('Code number: ');
}

const CODE_FLAG_WARNING =
  'warning: --code puts the code number in the process list, where every local user can read it; prefer PHONESAFE_RESCUE_CODE or the prompt';

/** Reads one line from the terminal without echoing it. */
export function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: PhoneSafeError) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (text: string) => {
      for (const char of text) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new PhoneSafeError('USAGE', 'cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** The wallet PIN (owner authentication at safes): PHONESAFE_WALLET_PIN, else asked on the terminal without echo. Never from a flag. */
export async function readWalletPin(env: CliEnv): Promise<string> {
  const fromEnv = env.walletPin();
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY)
    throw new PhoneSafeError('USAGE', 'a wallet PIN is needed: set PHONESAFE_WALLET_PIN or run on a terminal to be asked');
  return readSecret('Wallet PIN: ');
}
