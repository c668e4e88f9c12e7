/**
 * `phonesafe handset authdev create | show --authdev DIR`: the authentication
 * device (docs/design/safes.md "Authentication device"), a small separate
 * device kept in its own folder beside the handset's `--data`. A value
 * deposited with `handset wallet deposit --authdev DIR` is released only with
 * that device's answer; `show` prints its key and the safes it pinned, never
 * its secret.
 */
import type { Command } from 'commander';
import { verb } from '../../options.ts';
import { Output } from '../../output.ts';

interface AuthdevFlags {
  authdev: string;
  json?: boolean;
}

export function authdevVerbs(handset: Command): void {
  const authdev = handset
    .command('authdev')
    .description('the authentication device: without it, a value deposited with it cannot be recovered');
  verb(authdev, 'create', 'make a new authentication device in a folder (never over an existing one)')
    .requiredOption('--authdev <dir>', "the device's folder")
    .action(async (flags: AuthdevFlags) => {
      const { createAuthDevice } = await import('@phonesafe/handset');
      const view = await createAuthDevice(flags.authdev);
      new Output(Boolean(flags.json)).result(view, (v) => `authentication device ${v.deviceId} made in ${flags.authdev}`);
    });
  verb(authdev, 'show', "the device's id, public key and the safes whose keys it pinned (never its secret)")
    .requiredOption('--authdev <dir>', "the device's folder")
    .action(async (flags: AuthdevFlags) => {
      const { AuthDevice } = await import('@phonesafe/handset');
      const view = (await AuthDevice.open(flags.authdev)).view();
      new Output(Boolean(flags.json)).result(view, (v) => [
        `authentication device ${v.deviceId}, key ${v.publicKey}`,
        `safes pinned: ${v.safes.length > 0 ? v.safes.join(', ') : 'none yet'}`,
      ]);
    });
}
