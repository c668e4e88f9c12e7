/** `phonesafe handset offload | fetch`: B9 memory extension, items to the center and back. */
import type { Command } from 'commander';
import type { DataKind } from '@phonesafe/protocol';
import { durationOption } from '../../duration.ts';
import type { CliEnv } from '../../env.ts';
import { kindsOption } from '../../options.ts';
import { capped, humanBytes, plural } from '../../output.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

export function offloadVerbs(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'offload', 'move data not needed now to the center, keeping only its name and summary here')
    .addOption(kindsOption())
    .option('--older-than <duration>', 'only items not changed for this long, e.g. 90d (default: any age)', durationOption('--older-than'))
    .action((flags: HandsetFlags & { kinds?: DataKind[]; olderThan?: number }) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const result = await agent.offload({
          ...(flags.kinds ? { kinds: flags.kinds } : {}),
          ...(flags.olderThan !== undefined ? { olderThanMs: flags.olderThan * 1000 } : {}),
        });
        out.result(result, (r) => [
          `offloaded ${plural(r.items.length, 'item')} (${humanBytes(r.bytes)} freed)${r.backupId ? `; backed up first in ${r.backupId}` : ''}`,
          ...capped(r.items.map((i) => `  ${i.path}  ${humanBytes(i.size)}`)),
          ...(r.kept.length > 0
            ? [`kept ${plural(r.kept.length, 'item')}:`, ...capped(r.kept.map((k) => `  ${k.path}: ${k.reason}`))]
            : []),
        ]);
      }),
    );

  handsetVerb(handset, 'fetch', 'bring an offloaded item back from the center')
    .argument('<item>', 'path of the item, as listed by export or offload')
    .action((item: string, flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: false }, async (agent, out) => {
        const result = await agent.fetch(item);
        out.result(result, (r) =>
          r.fetched ? `fetched ${r.path} (${humanBytes(r.size)}) back from the center` : `${r.path} is on the handset already`,
        );
      }),
    );
}
