/** `phonesafe handset backup`: the owner's "back up now" (B4). */
import type { Command } from 'commander';
import type { DataKind } from '@phonesafe/protocol';
import type { CliEnv } from '../../env.ts';
import { kindsOption } from '../../options.ts';
import { capped, humanBytes, humanTime, plural } from '../../output.ts';
import { withProgress } from '../../progress.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

export function backupVerb(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'backup', 'back up to the center now (only changed parts are sent)')
    .addOption(kindsOption())
    .action((flags: HandsetFlags & { kinds?: DataKind[] }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const result = await withProgress(out, (onProgress) => agent.backup({ kinds: flags.kinds, onProgress }));
        out.result(result, (r) => [
          `backup ${r.backupId} committed at ${humanTime(r.committedAt)}: ${plural(r.files, 'file')}`,
          `sent ${plural(r.sentParts, 'part')} (${humanBytes(r.sentBytes)}), reused ${plural(r.reusedParts, 'part')}; stored ${humanBytes(r.storedBytes)}`,
          ...(r.lostStubs
            ? [
                `warning: the center no longer holds ${plural(r.lostStubs.length, 'offloaded item')}; left out, they cannot be fetched:`,
                ...capped(r.lostStubs).map((p) => `  ${p}`),
              ]
            : []),
        ]);
      }),
    );
}
