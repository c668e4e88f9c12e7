/** `phonesafe handset restore`: one backup, or the newest version of every item across a handset's backups (B6). */
import { Option, type Command } from 'commander';
import { PhoneSafeError, type DataKind, type OverwritePolicy } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { kindsOption } from '../../options.ts';
import { capped, plural } from '../../output.ts';
import { withProgress } from '../../progress.ts';
import { askOption } from '../../prompt.ts';
import { handsetVerb, pendingFailed, withHandset, type HandsetFlags } from './with-handset.ts';

export function restoreVerb(handset: Command, env: CliEnv): void {
  handsetVerb(
    handset,
    'restore',
    "restore into this handset: one backup, or (default) the newest version of every item across this or another handset's backups",
  )
    .option('--backup <id>', 'one backup to restore')
    .option(
      '--from-handset <name>',
      "restore another of the owner's handsets (e.g. onto a replacement): the newest version of every item across its backups",
    )
    .addOption(kindsOption())
    .option('--include <path...>', 'only the files at or under these paths (a file path restores that one file)')
    .addOption(
      new Option('--overwrite <policy>', 'items this handset already has: ask, yes or no').choices(['ask', 'yes', 'no']).default('ask'),
    )
    .action((flags: RestoreFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const result = await withProgress(out, (onProgress) =>
          agent
            .restore({
              backupId: flags.backup,
              fromHandset: flags.fromHandset,
              kinds: flags.kinds,
              ...(flags.include ? { include: flags.include } : {}),
              overwrite: flags.overwrite,
              ...askOption(),
              onProgress,
              onPendingFailed: (f) => pendingFailed(out, f),
            })
            .catch((error: unknown) => {
              throw withOverwriteHint(error);
            }),
        );
        out.result(result, (r) => [
          `restored ${plural(r.restored, 'file')} from backup ${r.backupId} (${r.alreadyThere} already there, ${r.skipped} kept unchanged)`,
          ...capped(r.skippedPaths).map((p) => `  kept ${p}`),
        ]);
      }),
    );
}

interface RestoreFlags extends HandsetFlags {
  backup?: string;
  fromHandset?: string;
  kinds?: DataKind[];
  include?: string[];
  overwrite: OverwritePolicy;
}

/** The agent names the conflicting files; the CLI adds how to answer. */
function withOverwriteHint(error: unknown): unknown {
  if (!(error instanceof PhoneSafeError) || error.code !== 'OVERWRITE_REFUSED') return error;
  return new PhoneSafeError(
    error.code,
    `${error.detail} (choose with --overwrite yes or no, or run on a terminal to be asked)`,
    { ...error.extra },
    { cause: error },
  );
}
