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
import { simCommands } from './commands/sim.ts';
import { processEnv, type CliEnv } from './env.ts';
import { reportError } from './errors.ts';

export function buildProgram(env: CliEnv): Command {
  const program = new Command('phonesafe')
    .description('PhoneSafe: keeps handset data safe through a backup center')
    .version('0.1.0')
    // Options belong to the command they follow, so `center verify --data X` reaches verify, not `center`.
    .enablePositionalOptions()
    .exitOverride()
    // Commander's own error text is replaced by our one-line report.
    .configureOutput({ outputError: () => {} });
  centerCommands(program, env);
  handsetCommands(program, env);
  pcCommands(program, env);
  simCommands(program, env);
  demoCommand(program, env);
  return program;
}

export async function run(argv: readonly string[], env: CliEnv): Promise<number> {
  try {
    await buildProgram(env).parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // Help and --version end through exitOverride too, with status 0.
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    if (error instanceof CommanderError && error.code === 'commander.help') return 2;
    const args = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
    return reportError(error, { json: args.includes('--json'), debug: env.debug() });
  }
}

process.exitCode = await run(process.argv.slice(2), processEnv());
