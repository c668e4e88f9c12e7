import type { Command } from 'commander';
import type { CliEnv } from '../env.ts';
import { failAfterOutput } from '../errors.ts';
import { parsePort } from '../options.ts';
import { columns, plural, Output } from '../output.ts';
import { listenOverrides, serveUntilSignal, storeVerbs, type ServeFlags, type StoreFlags } from '../server-verb.ts';

interface SafeServeFlags extends ServeFlags {
  name?: string;
}

/** Loaded on use: the server stack is not needed by other verbs. */
function safePackage() {
  return import('@phonesafe/safe');
}

/** `phonesafe safe [serve options]`, `safe verify`, `safe audit` (docs/design/safes.md). */
export function safeCommands(program: Command, env: CliEnv): void {
  const safe = program
    .command('safe')
    .description('run an electronic value safe until SIGINT/SIGTERM (first stdout line: its URL and key fingerprint)')
    .option('--port <port>', 'TCP port; 0 picks a free one (default 8790)', parsePort)
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--data <dir>', 'data directory: safe.key, safe.secret, SQLite file')
    .option('--db <url>', 'database URL: sqlite:<path> or postgres://…')
    .option('--name <name>', 'how the safe names itself')
    .option('--tls-cert <file>', 'PEM certificate; serves HTTPS with --tls-key')
    .option('--tls-key <file>', 'PEM private key')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--print-config', 'print the effective configuration (secrets masked) and exit')
    .option('--json', 'print {"url", "safeId", "fingerprint"} as one JSON document on stdout')
    .action((flags: SafeServeFlags) => serve(flags, env));
  const storeVerb = storeVerbs(safe, 'safe');

  storeVerb('verify', 'check every stored value against the hash its card signed, and every certificate against the safe’s key').action(
    async (flags: StoreFlags) => {
      const out = new Output(Boolean(flags.json));
      const { loadSafeConfig, runSafeVerify } = await safePackage();
      const report = await runSafeVerify(loadSafeConfig({ data: flags.data, db: flags.db }));
      out.result(report, (r) => [
        `checked ${plural(r.checked, 'deposit')} (${plural(r.tombstones, 'tombstone')}): ${r.damaged.length === 0 ? 'no damage' : plural(r.damaged.length, 'damaged deposit')}`,
        ...columns(r.damaged.map((d) => ['  serial ' + d.serial, d.reason])),
      ]);
      if (report.damaged.length > 0) failAfterOutput('PART_DAMAGED', `${plural(report.damaged.length, 'damaged deposit')}`);
    },
  );

  storeVerb('audit', 'print the audit trail: deposits, releases, wrong owner tries, destructions').action(async (flags: StoreFlags) => {
    const out = new Output(Boolean(flags.json));
    const { loadSafeConfig, runSafeAudit } = await safePackage();
    const rows = await runSafeAudit(loadSafeConfig({ data: flags.data, db: flags.db }));
    out.result({ events: rows }, (r) =>
      columns(r.events.map((e) => [e.at, e.event, e.serial === null ? '-' : String(e.serial), e.detail])),
    );
  });
}

async function serve(flags: SafeServeFlags, env: CliEnv): Promise<void> {
  const { loadSafeConfig, printSafeConfig, startSafe, createSafeLogger } = await safePackage();
  const config = loadSafeConfig({ ...listenOverrides(flags), name: flags.name });
  await serveUntilSignal(flags, {
    config,
    print: printSafeConfig,
    start: (c) => startSafe(c, { logger: createSafeLogger(c, process.stderr), clock: env.clock() }),
    result: (running) => ({ url: running.url, safeId: running.safeId, fingerprint: running.fingerprint }),
    line: (r) => `PhoneSafe safe listening on ${r.url} key ${r.fingerprint}`,
  });
}
