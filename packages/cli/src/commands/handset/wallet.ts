/**
 * `phonesafe handset wallet …` and `handset safe …`: the IC card's wallet
 * (docs/design/safes.md): values and certificates on the card, pinned safes,
 * deposit and recovery. The PIN comes from PHONESAFE_WALLET_PIN or the
 * terminal, never from a flag.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CoupleOrder, WalletEntry } from '@phonesafe/handset';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { parseDuration } from '../../duration.ts';
import { columns } from '../../output.ts';
import { readCaFile } from '../../options.ts';
import { readWalletPin } from '../../password.ts';
import { parseBytes } from '../../size.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

interface ValueFlags {
  file?: string;
  class?: string;
  name?: string;
  unitPrice?: string;
  qty?: string;
  total?: string;
  place?: string;
  valid?: string;
  remaining?: string;
  remarks?: string;
  semantics?: string;
}

const number = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new PhoneSafeError('USAGE', `${flag} must be a number`);
  return n;
};

/** The value's exact bytes: the file's, or the flags' as JSON. */
async function valueBytes(flags: ValueFlags): Promise<Buffer> {
  if (flags.file) return readFile(flags.file);
  if (!flags.class) throw new PhoneSafeError('USAGE', 'give --file or at least --class');
  const [validFrom, validTo] = flags.valid ? flags.valid.split('..') : [];
  const value = {
    class: flags.class,
    name: flags.name,
    unitPrice: number(flags.unitPrice, '--unit-price'),
    qty: number(flags.qty, '--qty'),
    total: number(flags.total, '--total'),
    place: flags.place,
    validFrom: validFrom || undefined,
    validTo: validTo || undefined,
    remaining: number(flags.remaining, '--remaining'),
    remarks: flags.remarks,
    semantics: flags.semantics,
  };
  return Buffer.from(JSON.stringify(value));
}

function valueOptions(command: Command): Command {
  return command
    .option('--file <file>', 'the value as a JSON document (kept byte for byte)')
    .option('--class <class>', 'information class, e.g. movie-ticket, prepaid, e-money, key')
    .option('--name <name>')
    .option('--unit-price <n>')
    .option('--qty <n>')
    .option('--total <n>')
    .option('--place <place>')
    .option('--valid <from..to>', 'term of validity, e.g. 2000-04-01..2000-05-31')
    .option('--remaining <n>')
    .option('--remarks <text>')
    .option('--semantics <bearer|secret>', 'bearer value moves (default by class), secret value may be copied');
}

const collect = (value: string, acc: string[] = []): string[] => [...acc, value];

const pointerArg = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new PhoneSafeError('USAGE', `an entry is a pointer number, not '${value}'`);
  return Number(value);
};

function entryLine(e: WalletEntry): string[] {
  const validity = e.validFrom || e.validTo ? `${e.validFrom ?? '…'}..${e.validTo ?? '…'}` : 'no limit';
  return [
    String(e.pointer),
    e.sign,
    `${e.size} B`,
    e.title,
    e.semantics,
    validity,
    e.sign === 'B' ? `${e.safeId} #${e.serial}` : `gen ${e.generation}`,
  ];
}

export function walletVerbs(handset: Command, env: CliEnv): void {
  const wallet = handset.command('wallet').description('the IC card: electronic values and their registration certificates');
  handsetVerb(wallet, 'setup', 'set the card capacity or the wallet owner (for owner authentication at safes)')
    .option('--capacity <size>', 'card capacity, e.g. 64KiB', (v: string) => parseBytes(v, '--capacity'))
    .option('--owner <email>', "the owner's e-mail address")
    .action((flags: HandsetFlags & { capacity?: number; owner?: string }) =>
      withHandset(env, flags, { deliverPending: false, creates: true }, async (agent, out) => {
        const s = await agent
          .wallet()
          .setup({ ...(flags.capacity ? { capacity: flags.capacity } : {}), ...(flags.owner ? { owner: flags.owner } : {}) });
        out.result(s, (r) => `card ${r.cardId}: ${r.used} of ${r.capacity} bytes used${r.owner ? `, owner ${r.owner}` : ''}`);
      }),
    );
  valueVerbs(wallet, env);
  depositVerb(wallet, env);
  recoverVerb(wallet, env);
}

function valueVerbs(wallet: Command, env: CliEnv): void {
  valueOptions(handsetVerb(wallet, 'add', 'add a value to the card')).action((flags: HandsetFlags & ValueFlags) =>
    withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
      const entry = await agent.wallet().add(await valueBytes(flags));
      out.result(entry, (e) => `added entry ${e.pointer}: ${e.title} (${e.size} bytes)`);
    }),
  );
  valueOptions(handsetVerb(wallet, 'update', 'replace a value by a new one (the next generation; an older copy can never come back)'))
    .argument('<entry>', 'the pointer of the value', pointerArg)
    .action((pointer: number, flags: HandsetFlags & ValueFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const entry = await agent.wallet().update(pointer, await valueBytes(flags));
        out.result(entry, (e) => `entry ${pointer} is now entry ${e.pointer}, generation ${e.generation}`);
      }),
    );
  listVerbs(wallet, env);
}

function listVerbs(wallet: Command, env: CliEnv): void {
  handsetVerb(wallet, 'list', 'list the card index: values (A) and certificates (B)')
    .option('--values', 'values only')
    .option('--certificates', 'certificates only')
    .option('--class <class>', 'only this information class')
    .option('--expiring <duration>', 'only those valid for less than this, e.g. 7d')
    .option('--as-of <date>', 'the date --expiring counts from (default today)')
    .option('--where <condition>', 'only the values a backup condition selects (repeat: any of them)', collect)
    .action(
      (
        flags: HandsetFlags & {
          values?: boolean;
          certificates?: boolean;
          class?: string;
          expiring?: string;
          asOf?: string;
          where?: string[];
        },
      ) =>
        withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
          const chosen = flags.where ? new Set(await agent.wallet().selected(flags.where)) : undefined;
          const listed = await agent.wallet().list({
            ...(flags.values ? { sign: 'A' as const } : flags.certificates ? { sign: 'B' as const } : {}),
            ...(flags.class ? { class: flags.class } : {}),
            ...(flags.expiring ? { expiringDays: parseDuration(flags.expiring, '--expiring') / 86_400 } : {}),
            ...(flags.asOf ? { asOf: flags.asOf } : {}),
          });
          const entries = chosen ? listed.filter((e) => chosen.has(e.pointer)) : listed;
          const status = await agent.wallet().status();
          out.result({ entries, ...status }, (r) => [
            ...columns(r.entries.map(entryLine)),
            `${r.used} of ${r.capacity} bytes used, ${r.free} free`,
          ]);
        }),
    );
  handsetVerb(wallet, 'show', 'show one entry: the value, or the certificate')
    .argument('<entry>', 'pointer', pointerArg)
    .action((pointer: number, flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const shown = await agent.wallet().show(pointer);
        out.result(shown, (r) => JSON.stringify(r.value ?? r.certificate, null, 2));
      }),
    );
  handsetVerb(wallet, 'delete', 'delete an entry from the card (a bearer value deleted is gone)')
    .argument('<entry>', 'pointer', pointerArg)
    .action((pointer: number, flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        await agent.wallet().delete(pointer);
        out.result({ deleted: pointer }, () => `deleted entry ${pointer}`);
      }),
    );
}

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

function depositVerb(wallet: Command, env: CliEnv): void {
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

function recoverVerb(wallet: Command, env: CliEnv): void {
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

export function safeVerbs(handset: Command, env: CliEnv): void {
  const safe = handset.command('safe').description("the safes this card trusts: each one's key is pinned");
  handsetVerb(safe, 'add', "pin a safe's key (compared with --fingerprint, else trusted on first use)")
    .argument('<url>', "the safe's URL")
    .option('--fingerprint <fp>', 'ed25519:<hex>, as the safe printed it')
    .option('--ca <file>', "PEM file of the CA that signed the safe's HTTPS certificate (or that self-signed certificate)")
    .action((url: string, flags: HandsetFlags & { fingerprint?: string; ca?: string }) =>
      withHandset(env, flags, { deliverPending: false, creates: true }, async (agent, out) => {
        const ca = flags.ca === undefined ? undefined : await readCaFile(flags.ca);
        const pinned = await agent.wallet().addSafe(url, flags.fingerprint, ca);
        out.result(pinned, (p) => `pinned ${p.name} ${p.safe_id} at ${p.url}`);
      }),
    );
  handsetVerb(safe, 'list', 'list the pinned safes').action((flags: HandsetFlags) =>
    withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
      const safes = await agent.wallet().safes();
      out.result({ safes }, (r) => columns(r.safes.map((s) => [s.safe_id, s.url, s.name, s.owner_ref ? 'owner registered' : ''])));
    }),
  );
}
