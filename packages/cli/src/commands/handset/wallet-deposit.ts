/** `phonesafe handset wallet deposit | recover`: values to safes and back, whole, coupled, divided, with a PIN or an authentication device. */
import type { Command } from 'commander';
import type { CoupleOrder } from '@phonesafe/handset';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { readWalletPin } from '../../password.ts';
import { collect, pointerArg } from './wallet-args.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

interface DepositFlags extends HandsetFlags {
  safe: string[];
  withPin?: boolean;
  where?: string[];
  couple?: string | boolean;
  split?: number;
  authdev?: string;
}

const pieceCount = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 2 || Number(value) > 16)
    throw new PhoneSafeError('USAGE', '--split is a number of pieces, 2 to 16');
  return Number(value);
};

function coupleOrder(couple: string | boolean | undefined): CoupleOrder | undefined {
  const order = couple === undefined ? undefined : couple === true ? 'couple-then-encrypt' : couple;
  if (order !== undefined && order !== 'couple-then-encrypt' && order !== 'encrypt-then-couple') {
    throw new PhoneSafeError('USAGE', '--couple is couple-then-encrypt or encrypt-then-couple');
  }
  return order;
}

export function depositVerb(wallet: Command, env: CliEnv): void {
  handsetVerb(wallet, 'deposit', 'deposit values at a safe: the card keeps the certificate and frees a bearer value')
    .requiredOption('--safe <url>', 'a safe pinned with `handset safe add` (repeat with --split: the pieces go round them)', collect)
    .option('--with-pin', 'register the values with owner authentication (PHONESAFE_WALLET_PIN)')
    .option(
      '--where <condition>',
      "back up the values a condition selects, e.g. 'notUsableWithin=1M;asOf=2000-03-15' (repeat: any of them)",
      collect,
    )
    .option(
      '--couple [order]',
      'one registration, one certificate for all the values: couple-then-encrypt (default) or encrypt-then-couple',
    )
    .option('--split <n>', 'divide each value into n pieces, each useless alone, one certificate per piece', (v: string) => pieceCount(v))
    .option('--authdev <dir>', 'register the values with this authentication device: recovery will need it')
    .argument('[entries...]', 'pointers of values', (v: string, acc: number[] = []) => [...acc, pointerArg(v)])
    .action((pointers: number[] | undefined, flags: DepositFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const chosen = [...(pointers ?? []), ...(flags.where ? await agent.wallet().selected(flags.where) : [])];
        if (chosen.length === 0 && !flags.where) throw new PhoneSafeError('USAGE', 'name the entries to deposit, or give --where');
        const pin = flags.withPin ? await readWalletPin(env) : undefined;
        const entries = [...new Set(chosen)];
        if (flags.split !== undefined) {
          if (flags.couple !== undefined) throw new PhoneSafeError('USAGE', '--split and --couple do not go together');
          const done = await agent.wallet().depositDivided(entries, flags.safe, flags.split, pin, flags.authdev);
          out.result({ divided: done }, (r) =>
            r.divided.map(
              (d) =>
                `entry ${d.value} divided into ${d.pieces.length} pieces: certificates ${d.pieces.map((p) => p.certificate).join(', ')}` +
                (d.kept ? ', value kept (secret)' : ''),
            ),
          );
          return;
        }
        if (flags.safe.length > 1) throw new PhoneSafeError('USAGE', 'give one --safe, or several with --split');
        const done = await agent.wallet().deposit(entries, flags.safe[0]!, pin, coupleOrder(flags.couple), flags.authdev);
        out.result({ deposited: done }, (r) =>
          r.deposited.map(
            (d) => `entry ${d.value} deposited: certificate ${d.certificate} (serial ${d.serial})${d.kept ? ', value kept (secret)' : ''}`,
          ),
        );
      }),
    );
}

export function recoverVerb(wallet: Command, env: CliEnv): void {
  handsetVerb(wallet, 'recover', 'recover values from their certificates')
    .option('--pin', 'give the wallet PIN (PHONESAFE_WALLET_PIN) for values registered with owner authentication')
    .option('--authdev <dir>', 'the authentication device the values were deposited with')
    .argument('[entries...]', 'pointers of certificates', (v: string, acc: number[] = []) => [...acc, pointerArg(v)])
    .action((pointers: number[] | undefined, flags: HandsetFlags & { pin?: boolean; authdev?: string }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const pin = flags.pin ? await readWalletPin(env) : undefined;
        const r = await agent.wallet().recover(pointers ?? [], pin, flags.authdev);
        out.result(r, (x) => [
          ...x.recovered.map(
            (d) =>
              `${d.pieces ? `${d.pieces.length} pieces (certificates ${d.pieces.join(', ')})` : `certificate ${d.certificate}`} recovered${d.value === null ? ' (already on the card)' : ` as entry ${d.value}`}; the safe's ${d.pieces ? 'copies are' : 'copy is'} ${d.state}`,
          ),
          ...(x.finished > 0 ? [`finished ${x.finished} interrupted recoveries`] : []),
        ]);
      }),
    );
}
