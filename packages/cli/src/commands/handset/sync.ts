/**
 * `phonesafe handset sim insert | remove | status`, `handset password set`,
 * `handset bind`, `handset sync`, `handset open`, `handset erase`, `handset delete`: SIM sync on the virtual
 * handset (sync.md). Secrets come from PHONESAFE_PIN and
 * PHONESAFE_TERMINAL_PASSWORD, never from flags.
 */
import type { Command } from 'commander';
import type { BindMode, ErasePlan, SyncResult, TriggeredSync } from '@phonesafe/handset';
import { DATA_KINDS, isDataKind, PhoneSafeError, type DataKind } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { parseKinds } from '../../options.ts';
import { confirmOnTerminal } from '../../prompt.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

const BIND_MODES: readonly BindMode[] = ['terminal', 'sim', 'every-sync'];

export function syncVerbs(handset: Command, env: CliEnv): void {
  simVerbs(handset, env);
  bindVerbs(handset, env);
  sessionVerbs(handset, env);
}

const secretsOf = (env: CliEnv) => ({ password: env.terminalPassword(), pin: env.pin() });

function simVerbs(handset: Command, env: CliEnv): void {
  const secrets = () => secretsOf(env);
  const sim = handset.command('sim').description("the handset's SIM card reader: insert, remove, status");
  handsetVerb(sim, 'insert', 'insert a virtual SIM (its PIN from PHONESAFE_PIN, as at power-on); a bound handset then syncs')
    .requiredOption('--sim <file>', 'the SIM file (it moves into the handset)')
    .action((flags: HandsetFlags & { sim: string }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const result = await agent.simSync.insertSim(flags.sim, env.pin(), secrets());
        out.result(result, (r) => [`SIM of ${r.sim.subscriber} inserted`, ...triggeredLines(r.sync, 'insertion')]);
      }),
    );
  handsetVerb(
    sim,
    'remove',
    'remove the SIM: the changes are uploaded first (unless --no-sync; at most sync.removalMaxSeconds), then the card leaves',
  )
    .option('--to <file>', 'where the SIM file goes (default: where it came from)')
    .option('--no-sync', 'do not upload first')
    .action((flags: HandsetFlags & { to?: string; sync: boolean }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const result = await agent.simSync.removeSim(flags.to, { noSync: !flags.sync, secrets: secrets() });
        if (result.pendingUp > 0) out.note(`reminder: ${result.pendingUp} changes on this handset are not reflected at the center`);
        out.result(result, (r) => [`SIM removed to ${r.to}`, ...triggeredLines(r.sync, 'removal')]);
      }),
    );
  handsetVerb(sim, 'status', 'the SIM in the reader, whether it is bound to this handset, changes not yet reflected').action(
    (flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const status = await agent.simSync.status();
        out.result(status, (s) => [
          `terminal ${s.terminalId}, bind mode ${s.bindMode}${s.passwordEachSync ? ' with the terminal password at every sync' : ''}`,
          s.sim
            ? `SIM of ${s.sim.subscriber} inserted ${s.sim.insertedAt}, ${s.sim.bound ? 'bound to this handset' : 'NOT bound to this handset'}`
            : 'no SIM',
          `${s.pendingUp} changes not reflected at the center`,
        ]);
      }),
  );
}

function bindVerbs(handset: Command, env: CliEnv): void {
  const password = handset.command('password').description('the terminal password');
  handsetVerb(password, 'set', 'set the terminal password (from PHONESAFE_TERMINAL_PASSWORD)').action((flags: HandsetFlags) =>
    withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
      const value = env.terminalPassword();
      if (value === undefined) throw new PhoneSafeError('USAGE', 'give the terminal password in PHONESAFE_TERMINAL_PASSWORD');
      await agent.simSync.setPassword(value);
      out.result({ set: true }, () => 'terminal password set');
    }),
  );

  handsetVerb(handset, 'bind', 'register this handset as a terminal of the inserted SIM (PIN and terminal password) and bind it')
    .option(
      '--mode <mode>',
      `terminal (subscriber ID kept here), sim (terminal ID on the SIM) or every-sync (PIN and password each time)`,
      'terminal',
    )
    .option('--password-each-sync', 'ask the terminal password at every sync too')
    .option('--kinds <list>', `the kinds this terminal syncs (default all: ${DATA_KINDS.join(',')})`, parseKinds)
    .option('--shop', "the shop's registration: PIN checked, no terminal password")
    .option('--require-sim-for-edits', 'refuse edits of synced data while no SIM is inserted (else a warning)')
    .action(
      (
        flags: HandsetFlags & {
          mode: string;
          passwordEachSync?: boolean;
          kinds?: DataKind[];
          shop?: boolean;
          requireSimForEdits?: boolean;
        },
      ) =>
        withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
          if (!(BIND_MODES as readonly string[]).includes(flags.mode))
            throw new PhoneSafeError('USAGE', `--mode is one of ${BIND_MODES.join(', ')}`);
          const result = await agent.simSync.bind({
            mode: flags.mode as BindMode,
            passwordEachSync: Boolean(flags.passwordEachSync),
            requireSimForEdits: Boolean(flags.requireSimForEdits),
            kinds: flags.kinds ?? [...DATA_KINDS],
            pin: env.pin(),
            password: env.terminalPassword(),
            shop: Boolean(flags.shop),
          });
          out.result(
            result,
            (r) => `terminal ${r.terminalId} registered for ${r.number} and bound (${r.mode}); kinds ${r.kinds.join(',')}`,
          );
        }),
    );
}

function sessionVerbs(handset: Command, env: CliEnv): void {
  const secrets = () => secretsOf(env);
  handsetVerb(handset, 'sync', 'sync with the user area now: upload what is not reflected, download what this handset has not seen')
    .option('--up', 'upload only')
    .option('--down', 'download only')
    .action((flags: HandsetFlags & { up?: boolean; down?: boolean }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        if (flags.up && flags.down) throw new PhoneSafeError('USAGE', '--up and --down exclude each other');
        const direction = flags.up ? 'up' : flags.down ? 'down' : 'both';
        const result = await agent.simSync.sync(direction, secrets());
        out.result(result, (r) => syncLines(r));
      }),
    );

  handsetVerb(handset, 'open', 'the owner opens one kind of data (the address book: contacts); synced first when sync.onOpen names it')
    .argument('<kind>', `one of ${DATA_KINDS.join(', ')}`)
    .action((kind: string, flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        if (!isDataKind(kind)) throw new PhoneSafeError('USAGE', `open one kind: ${DATA_KINDS.join(', ')}`);
        const result = await agent.simSync.open(kind, secrets());
        out.result(result, (r) => [
          `opened ${r.kind}: ${r.items} items`,
          ...(r.sync ? triggeredLines(r.sync, 'opening') : ['no sync first (sync.onOpen does not name this kind, or no SIM is in)']),
        ]);
      }),
    );

  handsetVerb(
    handset,
    'erase',
    'erase data from this handset after saving it to the user area (before handing it on); never a deletion elsewhere',
  )
    .option('--kinds <list>', 'the kinds to erase (default: every kind this handset syncs)', parseKinds)
    .option('--yes', 'erase without asking')
    .action((flags: HandsetFlags & { kinds?: DataKind[]; yes?: boolean }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const confirm = async (plan: ErasePlan) =>
          flags.yes === true ||
          (await confirmOnTerminal(
            `erase ${plan.erase.length} items (${plan.kinds.join(',')}) of ${plan.number} from this handset? The user area keeps them`,
          ));
        const result = await agent.simSync.erase({ kinds: flags.kinds, secrets: secrets(), confirm });
        out.result(result, (r) => [
          ...syncLines(r.upload),
          `erased ${r.erase.length} items of ${r.kinds.join(',')} from this handset; the user area and the other terminals keep them`,
          ...(r.kept.length > 0 ? [`kept ${r.kept.length} items (offloaded, or another subscriber's): ${r.kept.join(', ')}`] : []),
        ]);
      }),
    );

  handsetVerb(handset, 'delete', "delete an item from the handset's memory (a synced item's deletion is uploaded at the next sync)")
    .argument('<path>', 'the item path, as imported')
    .action((path: string, flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const result = await agent.simSync.deleteItem(path);
        if (result.warning) out.note(`warning: ${result.warning}`);
        out.result(result, (r) => `deleted ${r.path}`);
      }),
    );
}

function triggeredLines(sync: TriggeredSync | null, what: string): string[] {
  if (!sync) return [];
  if (!sync.ok) return [`the ${what} sync did not run: ${sync.code}: ${sync.detail}`];
  return syncLines(sync.result);
}

function syncLines(r: SyncResult): string[] {
  const list = (paths: string[]) => (paths.length > 0 ? paths.join(', ') : 'nothing');
  return [
    `synced ${r.number} (${r.direction}, cursor ${r.cursor})`,
    `  up: ${list(r.uploaded)}${r.uploadedDeletions.length > 0 ? `; deleted ${list(r.uploadedDeletions)}` : ''}`,
    `  down: ${list(r.downloaded)}${r.downloadedDeletions.length > 0 ? `; deleted ${list(r.downloadedDeletions)}` : ''}`,
    ...r.conflicts.map((c) => `  conflict (${c.kind}) at ${c.path}${c.copy ? `: this handset's version kept as ${c.copy}` : ''}`),
    ...(r.capped
      ? [`  ${r.reason === 'sim-remove' ? 'the time cap (sync.removalMaxSeconds)' : 'a cap'} passed: what did not go up stays pending`]
      : []),
  ];
}
