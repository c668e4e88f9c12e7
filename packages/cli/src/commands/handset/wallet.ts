/**
 * `phonesafe handset wallet …` and `handset safe …`: the IC card's wallet
 * (docs/design/safes.md): values and certificates on the card, pinned safes,
 * deposit and recovery. The PIN comes from PHONESAFE_WALLET_PIN or the
 * terminal, never from a flag.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { WalletAuto, WalletEntry } from '@phonesafe/handset';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { parseDuration } from '../../duration.ts';
import { columns } from '../../output.ts';
import { readCaFile } from '../../options.ts';
import { parseBytes } from '../../size.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';
import { walletAutoVerbs } from './wallet-auto.ts';
import { collect, pointerArg } from './wallet-args.ts';
import { depositVerb, recoverVerb } from './wallet-deposit.ts';

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
    .option('--capacity <size>', 'card capacity, e.g. 64K', (v: string) => parseBytes(v, '--capacity'))
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
  walletAutoVerbs(wallet, env);
}

function valueVerbs(wallet: Command, env: CliEnv): void {
  valueOptions(handsetVerb(wallet, 'add', 'add a value to the card, or several from files (when it is full, as the shortage setting says)'))
    .argument('[files...]', 'value files (JSON documents, kept byte for byte), added in order')
    .action((files: string[], flags: HandsetFlags & ValueFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        if (files.length > 0 && (flags.file || flags.class))
          throw new PhoneSafeError('USAGE', 'give value files, or --file, or --class, not several');
        const added: Array<Awaited<ReturnType<WalletAuto['add']>>> = [];
        for (const bytes of files.length > 0 ? await Promise.all(files.map((f) => readFile(f))) : [await valueBytes(flags)])
          added.push(await agent.walletAuto().add(bytes));
        const lines = ({ entry, backup }: (typeof added)[number]) => [
          ...(backup ? [`the card was full: backed up ${backup.deposited.length} value(s) by the conditions first`] : []),
          `added entry ${entry.pointer}: ${entry.title} (${entry.size} bytes)`,
        ];
        if (files.length > 0)
          out.result({ added: added.map(({ entry, backup }) => ({ ...entry, ...(backup ? { backup } : {}) })) }, () =>
            added.flatMap(lines),
          );
        else out.result({ ...added[0]!.entry, ...(added[0]!.backup ? { backup: added[0]!.backup } : {}) }, () => lines(added[0]!));
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
