import type { Command } from 'commander';
import type { QuotaView } from '@phonesafe/protocol';
import type { CliEnv } from '../env.ts';
import { failAfterOutput } from '../errors.ts';
import { parsePort } from '../options.ts';
import { columns, humanBytes, plural, Output } from '../output.ts';
import { withProgress } from '../progress.ts';
import { parseBytes } from '../size.ts';
import { listenOverrides, serveUntilSignal, storeVerbs, type ServeFlags, type StoreFlags } from '../server-verb.ts';

interface CenterServeFlags extends ServeFlags {
  logFormat?: string;
}

/** `phonesafe center [serve options]`, `center verify`, `center prune`, `center quota`. */
export function centerCommands(program: Command, env: CliEnv): void {
  const center = program
    .command('center')
    .description('run the backup center until SIGINT/SIGTERM (first stdout line: the URL it listens on)')
    .option('--port <port>', 'TCP port; 0 picks a free one (default 8780)', parsePort)
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--data <dir>', 'data directory: blobs, SQLite file')
    .option('--db <url>', 'database URL: sqlite:<path> or postgres://…')
    .option('--tls-cert <file>', 'PEM certificate; serves HTTPS with --tls-key')
    .option('--tls-key <file>', 'PEM private key')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--log-format <format>', 'auto (pretty on a terminal, else JSON lines), json or pretty')
    .option('--print-config', 'print the effective configuration (secrets masked) and exit')
    .option('--json', 'print {"url": ...} as one JSON document on stdout')
    .action((flags: CenterServeFlags) => serve(flags, env));
  const storeVerb = storeVerbs(center, 'center');

  storeVerb(
    'verify',
    "run the database's integrity check, read every stored part (blob files and packs) and check it against its recorded hash; damaged parts are named with the backups that need them and marked, so the next backup holding them sends them again",
  ).action(async (flags: StoreFlags) => {
    const out = new Output(Boolean(flags.json));
    const { loadConfig, runVerify } = await centerPackage();
    const config = loadConfig({ data: flags.data, db: flags.db });
    const report = await withProgress(out, (onProgress) => runVerify(config, onProgress));
    out.result(report, (r) => [
      `database: ${r.database.status} (${r.database.detail})`,
      `checked ${plural(r.checked, 'part')} (${humanBytes(r.bytes)}): ${r.damaged.length === 0 ? 'no damage' : `${plural(r.damaged.length, 'damaged part')}`}`,
      ...columns(
        r.damaged.map((d) => [
          '  owner ' + d.ownerId,
          'part ' + d.id,
          d.reason,
          d.backups.length === 0 ? 'in no backup' : `needed by ${plural(d.backups.length, 'backup')}: ${d.backups.join(', ')}`,
        ]),
      ),
    ]);
    if (report.database.status === 'damaged') failAfterOutput('DATABASE_DAMAGED', report.database.detail);
    else if (report.damaged.length > 0) {
      failAfterOutput('PART_DAMAGED', `${plural(report.damaged.length, 'damaged part')}: ${report.damaged.map((d) => d.id).join(', ')}`);
    }
  });

  storeVerb('prune', 'delete stored parts that no backup references any more, repack mostly empty packs and delete empty ones')
    .option('--dry-run', 'only say what would be deleted')
    .action(async (flags: StoreFlags & { dryRun?: boolean }) => {
      const out = new Output(Boolean(flags.json));
      const { loadConfig, runPrune } = await centerPackage();
      const config = loadConfig({ data: flags.data, db: flags.db });
      const dryRun = Boolean(flags.dryRun);
      const result = await withProgress(out, (onProgress) => runPrune(config, env.clock(), { dryRun, onProgress }));
      out.result(
        result,
        (r) =>
          `${r.dryRun ? 'would remove' : 'removed'} ${plural(r.removedParts, 'unreferenced part')} (${humanBytes(r.removedBytes)}), ${plural(r.removedBlobs, 'blob')} without a part and ${plural(r.removedPacks, 'pack')} without a part; ${r.dryRun ? 'would repack' : 'repacked'} ${plural(r.repackedPacks, 'mostly empty pack')}${r.dryRun ? ' (dry run: nothing deleted)' : ''}`,
      );
    });

  quotaVerb(storeVerb);
}

/** `center quota`: the operator's quota of one owner. */
function quotaVerb(storeVerb: ReturnType<typeof storeVerbs>): void {
  storeVerb('quota', "show an owner's storage quota, or set it with --bytes (the owner may lower it with `pc quota --limit`)")
    .requiredOption('--owner <email>', "the owner's e-mail address")
    // Commander keeps no null from a parser, hence the word.
    .option('--bytes <size>', "the owner's quota, e.g. 50G, or 'default' for the center's default (PHONESAFE_QUOTA_BYTES)", (v: string) =>
      v === 'default' ? v : parseBytes(v, '--bytes'),
    )
    .action(async (flags: StoreFlags & { owner: string; bytes?: number | 'default' }) => {
      const out = new Output(Boolean(flags.json));
      const { loadConfig, runQuota } = await centerPackage();
      const bytes = flags.bytes === 'default' ? null : flags.bytes;
      const view = await runQuota(loadConfig({ data: flags.data, db: flags.db }), flags.owner, bytes);
      out.result(view, (v) => quotaLine(flags.owner, v));
    });
}

function quotaLine(owner: string, v: QuotaView): string {
  const limit = v.limitBytes === null ? 'no limit of its own' : `its own limit ${humanBytes(v.limitBytes)}`;
  return `${owner} stores ${humanBytes(v.storedBytes)} of ${humanBytes(v.quotaBytes)} (the center's quota ${humanBytes(v.centerQuotaBytes)}, ${limit})`;
}

/** Loaded on use: the server stack (fastify, database drivers) is not needed by other verbs. */
function centerPackage() {
  return import('@phonesafe/center');
}

async function serve(flags: CenterServeFlags, env: CliEnv): Promise<void> {
  const { loadConfig, printConfig, startCenter, createLogger } = await centerPackage();
  const config = loadConfig({ ...listenOverrides(flags), logFormat: flags.logFormat });
  await serveUntilSignal(flags, {
    config,
    print: printConfig,
    start: (c) => {
      // Logs go to stderr: stdout carries only the result, so its first line is the URL.
      // A person at a terminal reads pretty lines; a file, a pipe or the journal gets JSON lines.
      const format = c.logFormat === 'auto' ? (process.stderr.isTTY ? 'pretty' : 'json') : c.logFormat;
      return startCenter(c, { logger: createLogger(c, process.stderr, format), clock: env.clock() });
    },
    result: (running) => ({ url: running.url }),
    line: (r) => `PhoneSafe center listening on ${r.url}`,
  });
}
