/**
 * What the server verbs (center, safe) share in the CLI: the flags of the
 * listen section (server-kit's listenSection), the verbs that open a
 * server's store, and running it until a signal. Each role's own words
 * (option help, its result line) stay in its command file.
 */
import type { Command } from 'commander';
import { verb } from './options.ts';
import { Output } from './output.ts';
import { untilSignal } from './signals.ts';

/** The flags of a verb that opens a server's data directory and database. */
export interface StoreFlags {
  data?: string;
  db?: string;
  json?: boolean;
}

/** The flags every server verb takes to listen; a role adds its own. */
export interface ServeFlags extends StoreFlags {
  port?: number;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
  logLevel?: string;
  printConfig?: boolean;
}

/** How the role's verbs on its store are made: each takes `--data` and `--db` as the serve verb does. */
export function storeVerbs(parent: Command, role: 'center' | 'safe'): (name: string, description: string) => Command {
  return (name, description) =>
    verb(parent, name, description)
      .option('--data <dir>', `data directory of the ${role}`)
      .option('--db <url>', 'database URL: sqlite:<path> or postgres://…');
}

/** The listen section's overrides from the flags (unset ones stay undefined: the environment, then the defaults, decide). */
export function listenOverrides(flags: ServeFlags) {
  return {
    port: flags.port,
    host: flags.host,
    data: flags.data,
    db: flags.db,
    tlsCert: flags.tlsCert,
    tlsKey: flags.tlsKey,
    logLevel: flags.logLevel,
  };
}

/** What a server verb drives: its loaded configuration, how it prints that, how it starts, and what it says once listening. */
export interface ServedRole<C, R extends { close(): Promise<void> }, V> {
  config: C;
  /** The configuration as JSON, every declared secret masked. */
  print(config: C): string;
  start(config: C): Promise<R>;
  /** The result printed once the socket listens (`--json`: as one JSON document), and its line for a person. */
  result(running: R): V;
  line(view: V): string;
}

/**
 * A server verb (center, safe): with --print-config, print the configuration
 * and return; otherwise start the server, print its result (printed only
 * once the socket listens, so a script may wait for that first stdout line),
 * serve until SIGINT/SIGTERM, then close it.
 */
export async function serveUntilSignal<C, R extends { close(): Promise<void> }, V>(
  flags: { json?: boolean; printConfig?: boolean },
  role: ServedRole<C, R, V>,
): Promise<void> {
  const out = new Output(Boolean(flags.json));
  if (flags.printConfig) {
    process.stdout.write(role.print(role.config) + '\n');
    return;
  }
  const running = await role.start(role.config);
  out.result(role.result(running), (v) => role.line(v));
  await untilSignal();
  await running.close();
}
