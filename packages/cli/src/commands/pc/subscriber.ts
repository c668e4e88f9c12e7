/**
 * `phonesafe pc subscriber create | show | set | area`: the owner's subscriber
 * DB (S1, sync.md): a subscriber and its user area with a collection key per
 * kind (made here, wrapped with the owner's key), its terminals, kinds and
 * security level, and the user area opened with the owner's key.
 */
import type { Command } from 'commander';
import { createSubscriber, listArea, showSubscriber, updateSubscriber, type SecurityCheck } from '@phonesafe/pc';
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
  pcVerb(sub, 'set', "change the subscriber's security level, or a terminal's kinds")
    .requiredOption('--number <msisdn>', 'the subscriber number')
    .option('--security <checks>', 'none, terminal-password, pin', parseSecurity)
    .option('--terminal <id>', 'the terminal whose kinds change')
    .option('--kinds <list>', 'its kinds (rights follow apps)', parseKinds)
    .action((flags: Flags & { security?: SecurityCheck[]; terminal?: string; kinds?: DataKind[] }) =>
      withSession(env, flags, async (session, out) => {
        if ((flags.terminal === undefined) !== (flags.kinds === undefined))
          throw new PhoneSafeError('USAGE', '--terminal and --kinds go together');
        const terminal = flags.terminal && flags.kinds ? { terminalId: flags.terminal, kinds: flags.kinds } : undefined;
        out.result(await updateSubscriber(session, flags.number, { security: flags.security, pin: env.pin(), terminal }), viewLines);
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

function viewLines(v: SubscriberView): string[] {
  return [
    `subscriber ${v.number}, security ${v.security.join(', ') || 'none'}, ${v.lastSeq} changes in the user area`,
    ...v.terminals.map(
      (t) =>
        `  terminal ${t.terminalId} (${t.handsetName ?? 'no handset'}, ${t.registeredVia})${t.holdsSim ? ' holds the SIM' : ''}: ${t.kinds.join(',')}; last sync ${t.lastSyncAt ?? 'never'}`,
    ),
  ];
}
