/**
 * What every `phonesafe handset <verb>` shares: the `--data DIR` flag, and
 * opening the virtual handset kept in DIR for one command.
 */
import type { Command } from 'commander';
import type { HandsetAgent, PendingFailure } from '@phonesafe/handset';
import { PhoneSafeError } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { verb } from '../../options.ts';
import { plural, Output } from '../../output.ts';
import { withProgress } from '../../progress.ts';
import { askOption } from '../../prompt.ts';

export interface HandsetFlags {
  data: string;
  json?: boolean;
}

/** A handset verb: `--json` and the required `--data DIR`. */
export function handsetVerb(handset: Command, name: string, description: string): Command {
  return verb(handset, name, description).requiredOption('--data <dir>', "the handset's data directory");
}

/**
 * Opens the handset in DIR for one command and closes it whatever happens.
 * With `deliverPending`, restores the owner pushed from the pc (`pc restore
 * --to`) are applied first: the virtual handset talks to the center at every
 * command, and B6 has the destination apply the order when it next does.
 * `status`, `import` and `export` ask for it (the acceptance test relies on
 * `status` delivering); backup, restore and history need not, the agent
 * applies them itself (handset restore/restores.ts lists every place).
 */
export async function withHandset(
  env: CliEnv,
  flags: HandsetFlags,
  options: { deliverPending: boolean; creates?: boolean },
  run: (agent: HandsetAgent, out: Output) => Promise<void>,
): Promise<void> {
  const out = new Output(Boolean(flags.json));
  // Loaded on use, like the other role packages, to keep unrelated verbs quick to start.
  const { HandsetAgent: Agent } = await import('@phonesafe/handset');
  const scryptN = env.walletScryptN();
  // Only the verbs that make a handset (enrolment; the wallet's first steps, `wallet setup` and
  // `safe add`, for a card used without a center) create one: any other verb on a directory
  // without one fails and creates nothing.
  const creates = options.creates ?? false;
  const agent = await Agent.open(flags.data, {
    clock: env.clock(),
    timeouts: env.httpTimeouts(),
    create: creates,
    ...(scryptN ? { walletScryptN: scryptN } : {}),
  });
  let done = false;
  try {
    if (options.deliverPending) await deliverPending(agent, out);
    await run(agent, out);
    done = true;
  } finally {
    // A failed creating verb leaves nothing behind (a handset that was there before stays as it was).
    await (creates && !done ? agent.discard() : agent.close());
  }
}

/** A pending restore that cannot be applied now must not block the command asked for: warn and go on. */
async function deliverPending(agent: HandsetAgent, out: Output): Promise<void> {
  try {
    const applied = await withProgress(out, (onProgress) =>
      agent.applyPendingRestores({ ...askOption(), onProgress, onFailed: (f) => pendingFailed(out, f) }),
    );
    for (const r of applied)
      out.note(
        `applied restore ${r.restoreId} of backup ${r.backupId}: ${plural(r.restored, 'file')} restored, ${r.alreadyThere} already there, ${r.skipped} kept unchanged`,
      );
  } catch (error) {
    if (!(error instanceof PhoneSafeError)) throw error;
    if (error.code !== 'NOT_ENROLLED') out.note(`warning: pending restores not applied: ${error.code}: ${error.detail}`);
  }
}

export function pendingFailed(out: Output, failure: PendingFailure): void {
  const next = failure.reported ? 'the center offers it again later; pc restore --cancel ends it' : 'it stays pending';
  out.note(`warning: restore ${failure.restoreId} could not be applied (${next}): ${failure.code}: ${failure.detail}`);
}
