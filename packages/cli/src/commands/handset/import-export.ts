/** `phonesafe handset import | export`: directory trees into and out of the handset's memory. */
import type { Command } from 'commander';
import type { CliEnv } from '../../env.ts';
import { humanBytes, plural } from '../../output.ts';
import { removingTempsOnSignal } from '../../interrupt.ts';
import { withProgress } from '../../progress.ts';
import { handsetVerb, withHandset, type HandsetFlags } from './with-handset.ts';

/** Both deliver pending restores first (with-handset.ts). */
export function importExportVerbs(handset: Command, env: CliEnv): void {
  handsetVerb(handset, 'import', "copy a directory tree into the handset's memory (kinds from folders and extensions)")
    .argument('<src>', 'directory to import')
    .option(
      '--mirror',
      'also delete from the handset what is no longer under SRC (later backups leave it out, so a restore does not bring it back)',
    )
    .action((src: string, flags: HandsetFlags & { mirror?: boolean }) =>
      withHandset(env, flags, { deliverPending: true }, async (agent, out) => {
        const mirror = Boolean(flags.mirror);
        const result = await withProgress(out, (onProgress) => agent.importTree(src, { onProgress, mirror }));
        if (result.warning) out.note(`warning: ${result.warning}`);
        out.result(result, (r) => [
          `imported ${src}: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged${mirror ? `, ${r.deleted} deleted` : ''} (${humanBytes(r.bytes)} new)`,
          ...(!r.sizeBackup
            ? []
            : r.sizeBackup.ok
              ? [
                  `the backup area passed its size trigger: backup ${r.sizeBackup.result.backupId} committed (${plural(r.sizeBackup.result.files, 'file')})`,
                ]
              : [
                  `the backup area passed its size trigger, but the backup could not be made: ${r.sizeBackup.code}: ${r.sizeBackup.detail}`,
                ]),
        ]);
      }),
    );

  handsetVerb(handset, 'export', "write the handset's memory out as a directory tree")
    .argument('<out>', 'directory to write')
    .action((dest: string, flags: HandsetFlags) =>
      withHandset(env, flags, { deliverPending: true }, async (agent, out) => {
        const result = await removingTempsOnSignal(() => withProgress(out, (onProgress) => agent.exportTree(dest, { onProgress })));
        out.result(
          result,
          (r) =>
            `exported ${plural(r.files, 'file')} (${humanBytes(r.bytes)}) to ${dest}${r.offloaded > 0 ? `; ${plural(r.offloaded, 'offloaded item')} not written (handset fetch brings one back)` : ''}`,
        );
      }),
    );
}
