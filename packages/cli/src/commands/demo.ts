import type { Command } from 'commander';
import { PhoneSafeError } from '@phonesafe/protocol';
import { runDemo } from '../demo/scenario.ts';
import type { CliEnv } from '../env.ts';
import { Output } from '../output.ts';

/** `phonesafe demo [--json]`: seed 001's scheduled backup, NG, retry, give-up and restore, in under a minute. */
export function demoCommand(program: Command, env: CliEnv): void {
  program
    .command('demo')
    .description(
      'run a center and three virtual handsets as separate processes on an accelerated clock, and show scheduled backups, retries, a give-up and a restore end to end',
    )
    .option('--json', 'narrate on stderr; print the counted summary as one JSON document on stdout')
    .option('--factor <n>', 'virtual seconds per real second (default 300: one real second is five virtual minutes)', parseFactor, 300)
    .option('--keep', 'keep the temporary directory with the data of the center and handsets')
    .action(async (flags: { json?: boolean; factor: number; keep?: boolean }) => {
      const out = new Output(Boolean(flags.json));
      // Narration is for people: on stdout normally, on stderr with --json so stdout stays one document.
      const say = (line: string) => (flags.json ? process.stderr : process.stdout).write(line + '\n');
      const summary = await runDemo({ factor: flags.factor, keep: Boolean(flags.keep), say, path: env.path() });
      out.result(summary, (s) => [
        `summary: ${s.backups} backup(s) made, ${s.requests} start requests, ${s.ng} NG, ${s.retries} retries, ${s.gaveUp} give-up notice(s), ` +
          `${s.restoredItems} files restored to B, B ${s.identical ? 'identical to' : 'DIFFERENT from'} A's source; ` +
          `${s.wallSeconds} s real, ${s.virtualMinutes} virtual minutes`,
      ]);
      if (!summary.identical) process.exitCode = 1;
    });
}

function parseFactor(value: string): number {
  const factor = Number(value);
  if (!/^\d+$/.test(value) || factor < 1 || factor > 3600)
    throw new PhoneSafeError('USAGE', `--factor must be a whole number 1-3600, not '${value}'`);
  return factor;
}
