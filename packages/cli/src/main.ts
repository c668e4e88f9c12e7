#!/usr/bin/env node
/**
 * `phonesafe`: one command for every role. Each verb is a thin wrapper over
 * its package (center, handset, pc); this file reads the environment once
 * (env.ts), wires the verbs up and turns any failure into one stderr line
 * and an exit status (see errors.ts).
 */
import { Command, CommanderError } from 'commander';
import { centerCommands } from './commands/center.ts';
import { demoCommand } from './commands/demo.ts';
import { handsetCommands } from './commands/handset/index.ts';
import { pcCommands } from './commands/pc/index.ts';
import { processEnv, VARIABLE_NAMES, type CliEnv } from './env.ts';
import { endQuietlyOnClosedPipe, reportError } from './errors.ts';
import { safeCommands } from './commands/safe.ts';
import { simCommands } from './commands/sim.ts';

/**
 * The exit statuses, for `--help` and the README (errors.ts maps each error code to one).
 * 141 is not ours: a shell reports it for a process killed by a closed pipe.
 */
export const EXIT_STATUS_HELP = `
Exit status:
  0  success (also when the reader of stdout went away, e.g. \`| head\`)
  1  internal or local file error (INTERNAL, LOCAL_IO)
  2  wrong usage: a flag, value or argument (USAGE)
  3  not allowed: wrong password, revoked or not enrolled handset, locked (UNAUTHENTICATED, CREDENTIAL_REVOKED, LOCKED, ...)
  4  not found: no such backup, handset or data directory, an expired control number (NOT_FOUND, DATA_DIR_MISSING, ...)
  5  refused: invalid request, over quota, conflict, directory in use (VALIDATION_FAILED, QUOTA_EXCEEDED, DATA_DIR_IN_USE, ...)
  6  the center cannot be reached or is busy; try again later (NETWORK, UNAVAILABLE, STORAGE_FULL, ...)
  7  damage found: stored parts, the database, or data that does not decrypt (PART_DAMAGED, DATABASE_DAMAGED, DECRYPT_FAILED)
Errors are one line on stderr, "phonesafe: CODE: what happened"; with --json also {"error": {...}} on stdout.`;

export function buildProgram(env: CliEnv, onCommand: (command: Command) => void = () => {}): Command {
  const program = new Command('phonesafe')
    .description('PhoneSafe: keeps handset data safe through a backup center')
    .version('0.1.0')
    // Options belong to the command they follow, so `center verify --data X` reaches verify, not `center`.
    .enablePositionalOptions()
    .exitOverride()
    // Commander's own error text is replaced by our one-line report.
    .configureOutput({ outputError: () => {} })
    .addHelpText('after', EXIT_STATUS_HELP)
    // The command that runs names the flags an error is reported in (user-words.ts).
    .hook('preAction', (_program, action) => onCommand(action));
  centerCommands(program, env);
  handsetCommands(program, env);
  pcCommands(program, env);
  safeCommands(program, env);
  simCommands(program, env);
  demoCommand(program, env);
  return program;
}

export async function run(argv: readonly string[], env: CliEnv): Promise<number> {
  let command: Command | undefined;
  try {
    await buildProgram(env, (c) => (command = c)).parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // Help and --version end through exitOverride too, with status 0.
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    if (error instanceof CommanderError && error.code === 'commander.help') return 2;
    const args = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
    const variables = error instanceof CommanderError ? await knownVariables() : new Set<string>();
    return reportError(error, { json: args.includes('--json'), debug: env.debug(), words: { command, variables } });
  }
}

/** The PHONESAFE_* variables of the CLI and the center, for the hint on a setting typed as a flag. */
async function knownVariables(): Promise<Set<string>> {
  const { settingVariables } = await import('@phonesafe/center');
  return new Set([...VARIABLE_NAMES, ...settingVariables()]);
}

endQuietlyOnClosedPipe();
process.exitCode = await run(process.argv.slice(2), processEnv());
