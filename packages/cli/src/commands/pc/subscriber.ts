/**
 * `phonesafe pc subscriber create | show | set | area`: the owner's subscriber
 * DB (S1, sync.md): a subscriber and its user area with a collection key per
 * kind (made here, wrapped with the owner's key), its terminals, kinds and
 * security level, and the user area opened with the owner's key.
 */
import type { Command } from 'commander';
import { createSubscriber, type FilterChoice, listArea, showSubscriber, updateSubscriber, type SecurityCheck } from '@phonesafe/pc';
import { PhoneSafeError, type DataKind, type SubscriberView } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { parseKinds } from '../../options.ts';
import { pcVerb, withSession, type PcFlags } from './with-session.ts';

type Flags = PcFlags & { number: string };

function parseSecurity(value: string): SecurityCheck[] {
  const checks = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '' && v !== 'none');
  const bad = checks.filter((c) => c !== 'terminal-password' && c !== 'pin');
  if (bad.length > 0) throw new PhoneSafeError('USAGE', `--security is none or a list of terminal-password, pin (not ${bad.join(', ')})`);
  return checks as SecurityCheck[];
}

export function subscriberVerbs(pc: Command, env: CliEnv): void {
  const sub = pc.command('subscriber').description('the subscriber DB of SIM sync: subscribers, their terminals and user area');
  pcVerb(sub, 'create', 'a subscriber (the SIM contract) and its empty user area, with a collection key per kind only the owner opens')
    .requiredOption('--number <msisdn>', 'the subscriber number')
    .option(
      '--security <checks>',
      'what the center checks at every sync: none, terminal-password, pin (PIN from PHONESAFE_PIN)',
      parseSecurity,
      [],
    )
    .action((flags: Flags & { security: SecurityCheck[] }) =>
      withSession(env, flags, async (session, out) => {
        const view = await createSubscriber(session, { number: flags.number, security: flags.security, pin: env.pin() });
        out.result(view, (v) => `subscriber ${v.number} created (security: ${v.security.join(', ') || 'subscriber and terminal ID only'})`);
      }),
    );
  pcVerb(sub, 'show', 'the subscriber: its terminals, their kinds, who holds the SIM, last sync')
    .requiredOption('--number <msisdn>', 'the subscriber number')
    .action((flags: Flags) =>
      withSession(env, flags, async (session, out) => {
        out.result(await showSubscriber(session, flags.number), viewLines);
      }),
    );
  pcVerb(sub, 'set', "change the subscriber's security level, or what a terminal syncs: its kinds, folders and months")
    .requiredOption('--number <msisdn>', 'the subscriber number')
    .option('--security <checks>', 'none, terminal-password, pin', parseSecurity)
    .option('--terminal <id>', 'the terminal whose kinds or filters change')
    .option('--kinds <list>', 'its kinds (rights follow apps)', parseKinds)
    .option(
      '--folders <list>',
      'only items in these folders or below, e.g. mail/sent ("all": any folder); sets the filters with --since-months',
    )
    .option('--since-months <n>', 'only items changed in the last N months ("any": any time); sets the filters with --folders')
    .action((flags: SetFlags) =>
      withSession(env, flags, async (session, out) => {
        out.result(
          await updateSubscriber(session, flags.number, { security: flags.security, pin: env.pin(), terminal: terminalChange(flags) }),
          viewLines,
        );
      }),
    );
  pcVerb(sub, 'area', "the user area, opened with the owner's key: every item's path, version and sequence number")
    .requiredOption('--number <msisdn>', 'the subscriber number')
    .action((flags: Flags) =>
      withSession(env, flags, async (session, out) => {
        const area = await listArea(session, flags.number);
        out.result(area, (a) =>
          a.items.length === 0
            ? [`the user area of ${a.number} is empty`]
            : a.items.map(
                (i) => `${String(i.seq).padStart(5)}  v${i.version}  ${i.deleted ? '(deleted)' : i.path}  from ${i.originTerminal}`,
              ),
        );
      }),
    );
}

type SetFlags = Flags & { security?: SecurityCheck[]; terminal?: string; kinds?: DataKind[]; folders?: string; sinceMonths?: string };

/** --kinds, --folders and --since-months name what --terminal syncs; the two filters are set together (one left out: none). */
function terminalChange(flags: SetFlags): { terminalId: string; kinds?: DataKind[]; filters?: FilterChoice } | undefined {
  const filtering = flags.folders !== undefined || flags.sinceMonths !== undefined;
  if ((flags.terminal === undefined) !== (flags.kinds === undefined && !filtering))
    throw new PhoneSafeError('USAGE', '--terminal goes with --kinds, --folders or --since-months');
  if (flags.terminal === undefined) return undefined;
  const folders = flags.folders === undefined || flags.folders === 'all' ? [] : flags.folders.split(',');
  const months = flags.sinceMonths === undefined || flags.sinceMonths === 'any' ? undefined : Number(flags.sinceMonths);
  if (months !== undefined && !(Number.isInteger(months) && months >= 1 && months <= 1200))
    throw new PhoneSafeError('USAGE', `--since-months is a whole number of months from 1 to 1200, or "any" (not ${flags.sinceMonths})`);
  return {
    terminalId: flags.terminal,
    ...(flags.kinds ? { kinds: flags.kinds } : {}),
    ...(filtering ? { filters: { folders, sinceMonths: months } } : {}),
  };
}

function filterText(f: SubscriberView['terminals'][number]['filters']): string {
  const parts = [
    ...(f.folders.length > 0 ? [`${f.folders.length} folder${f.folders.length === 1 ? '' : 's'}`] : []),
    ...(f.sinceMonths !== undefined ? [`last ${f.sinceMonths} months`] : []),
  ];
  return parts.length > 0 ? ` (only ${parts.join(', ')})` : '';
}

function viewLines(v: SubscriberView): string[] {
  return [
    `subscriber ${v.number}, security ${v.security.join(', ') || 'none'}, ${v.lastSeq} changes in the user area`,
    ...v.terminals.map(
      (t) =>
        `  terminal ${t.terminalId} (${t.handsetName ?? 'no handset'}, ${t.registeredVia})${t.holdsSim ? ' holds the SIM' : ''}: ${t.kinds.join(',')}${filterText(t.filters)}; last sync ${t.lastSyncAt ?? 'never'}`,
    ),
  ];
}
