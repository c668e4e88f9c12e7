/**
 * Backup benchmark: PhoneSafe (center + handset CLI as child processes)
 * against restic on the same deterministic handset image.
 *
 *   node bench/backup/run.ts [--size-mib 1024] [--image DIR] [--seed S] [--keep] [--json] [--no-restic]
 *
 * See bench/README.md for what each figure means.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, formatSummary, generateImage, type ImageSummary } from './generate-image.ts';
import { generatePhoneImage, PHONE_DEFAULT_MIB } from './phone-image.ts';
import { dirBytes, dirFiles, hashTree, killRunning, runTimed, Service, type RunResult } from './measure.ts';
import { formatMutation, mutateImage, type MutationSummary } from './mutate-image.ts';
import { Restic, resticVersion, type ResticSummary } from './restic.ts';
import { formatProfiles } from './summary.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let CLI = join(ROOT, 'packages/cli/src/main.ts');
const OWNER = 'bench@example.org';
const PASSWORD = 'correct horse battery staple (bench)';
const MiB = 1024 * 1024;

export interface Step {
  seconds: number;
  cpuSeconds: number | null;
  /** Peak RSS of the step's own process (handset CLI or restic), KiB. */
  rssKiB: number | null;
  /** Peak RSS of the center during the step, KiB (PhoneSafe only). */
  centerRssKiB?: number | null;
  /** CPU seconds the center used during the step (PhoneSafe only). */
  centerCpuSeconds?: number | null;
}

/** The handset's `backup --json` result. */
export interface BackupResult {
  backupId: string;
  files: number;
  sentParts: number;
  sentBytes: number;
  reusedParts: number;
  storedBytes: number;
}

export interface Report {
  profile: Profile;
  image: { bytes: number; files: number; seed: string; sizeMiB: number; digestAfterMutation: string };
  mutation: MutationSummary;
  phonesafe: {
    import: Step;
    handsetBytesAfterImport: number;
    fullBackup: Step & { result: BackupResult };
    storedBytesFull: number;
    blobBytesFull: number;
    reimport: Step;
    incrBackup: Step & { result: BackupResult };
    storedBytesIncr: number;
    restore: Step;
    export: Step;
    restoredIdentical: boolean;
    centerPeakRssKiB: number | null;
  };
  restic: null | {
    version: string;
    repositoryVersion: number | null;
    fullBackup: Step & { summary: ResticSummary };
    repoBytesFull: number;
    incrBackup: Step & { summary: ResticSummary };
    repoBytesIncr: number;
    restore: Step;
    restoredIdentical: boolean;
  };
}

const step = (r: RunResult): Step => ({ seconds: r.seconds, cpuSeconds: r.cpuSeconds, rssKiB: r.maxRssKiB });

function parseJsonOutput<T>(stdout: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch {
    const last = stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .at(-1);
    if (!last) throw new Error(`no JSON in output:\n${stdout.slice(-1000)}`);
    return JSON.parse(last) as T;
  }
}

/** The PhoneSafe side: one center, handsets as CLI invocations, center RSS per step. */
class PhoneSafe {
  readonly centerDir: string;
  readonly #work: string;
  readonly #env: NodeJS.ProcessEnv;
  center: Service | null = null;
  url = '';
  centerPeakKiB: number | null = null;

  constructor(work: string) {
    this.#work = work;
    this.centerDir = join(work, 'center');
    this.#env = { ...process.env, PHONESAFE_PASSWORD: PASSWORD };
  }

  handsetDir(name: string): string {
    return join(this.#work, `handset-${name}`);
  }

  async startCenter(): Promise<void> {
    mkdirSync(this.centerDir, { recursive: true });
    const ready = /^PhoneSafe center listening on (https?:\/\/\S+)/;
    this.center = await Service.start(process.execPath, [CLI, 'center', '--port', '0', '--data', this.centerDir], ready, {
      env: this.#env,
    });
    this.url = ready.exec(this.center.readyLine)![1]!;
  }

  /** Runs one handset CLI command, measuring it and the center's peak RSS meanwhile. */
  async handset(args: string[]): Promise<{ step: Step; stdout: string }> {
    const center = this.center;
    center?.resetPeak();
    const cpuBefore = center?.cpuSeconds() ?? null;
    let run: RunResult;
    try {
      run = await runTimed(process.execPath, [CLI, 'handset', ...args], { env: this.#env, cwd: ROOT });
    } catch (e) {
      if (center && !center.running) throw new Error(`${(e as Error).message}\ncenter exited; its stderr:\n${center.stderrTail}`);
      throw e;
    }
    const centerRssKiB = center?.peakRssKiB() ?? null;
    const cpuAfter = center?.cpuSeconds() ?? null;
    const centerCpuSeconds = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
    if (centerRssKiB !== null) this.centerPeakKiB = Math.max(this.centerPeakKiB ?? 0, centerRssKiB);
    return { step: { ...step(run), centerRssKiB, centerCpuSeconds }, stdout: run.stdout };
  }

  enroll(name: string): Promise<unknown> {
    return this.handset(['enroll', '--center', this.url, '--owner', OWNER, '--name', name, '--data', this.handsetDir(name)]);
  }

  async import(name: string, src: string): Promise<Step> {
    return (await this.handset(['import', '--data', this.handsetDir(name), src])).step;
  }

  async backup(name: string): Promise<Step & { result: BackupResult }> {
    const { step, stdout } = await this.handset(['backup', '--data', this.handsetDir(name), '--json']);
    return { ...step, result: parseJsonOutput<BackupResult>(stdout) };
  }

  async restore(name: string, from: string): Promise<Step> {
    return (await this.handset(['restore', '--data', this.handsetDir(name), '--from-handset', from, '--overwrite', 'yes', '--json'])).step;
  }

  async export(name: string, out: string): Promise<Step> {
    return (await this.handset(['export', '--data', this.handsetDir(name), out])).step;
  }

  async stop(): Promise<void> {
    await this.center?.stop();
  }
}

function log(quiet: boolean, ...lines: string[]): void {
  if (!quiet) for (const l of lines) console.log(l);
  else for (const l of lines) console.error(l);
}

export type Profile = 'media' | 'phone';
const PROFILES: Record<Profile, { defaultMiB: number; generate: (dir: string, sizeMiB: number, seed: string) => ImageSummary }> = {
  media: { defaultMiB: 1024, generate: generateImage },
  phone: { defaultMiB: PHONE_DEFAULT_MIB, generate: generatePhoneImage },
};

interface RunOptions {
  profile: Profile;
  sizeMiB: number;
  seed: string;
  image: string | undefined;
  noRestic: boolean;
  say: (...lines: string[]) => void;
}

/** One profile: a fresh center and handsets, the image, restic on the same tree. */
async function runProfile(work: string, ps: PhoneSafe, o: RunOptions): Promise<Report> {
  const say = o.say;
  // The image: generated, or copied so the original is not mutated.
  const image = join(work, 'image');
  if (o.image) {
    cpSync(o.image, image, { recursive: true, preserveTimestamps: true });
    say(`image copied from ${o.image}`);
  } else {
    const t0 = performance.now();
    say(
      formatSummary(PROFILES[o.profile].generate(image, o.sizeMiB, o.seed)),
      `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  const imageBytes = await dirBytes(image);
  const imageFiles = await dirFiles(image);

  const version = o.noRestic ? null : resticVersion();
  const restic = version ? new Restic(work) : null;
  if (!version)
    say(o.noRestic ? 'restic skipped (--no-restic)' : 'restic could not be installed (scripts/ensure-restic.sh): PhoneSafe figures only');

  // Full: PhoneSafe import + backup, then restic backup of the same tree.
  say(`[${o.profile}] PhoneSafe: starting center, enrolling handset A`);
  await ps.startCenter();
  await ps.enroll('A');
  say(`[${o.profile}] PhoneSafe: import (full)`);
  const imp = await ps.import('A', image);
  const handsetBytesAfterImport = await dirBytes(ps.handsetDir('A'));
  say(`[${o.profile}] PhoneSafe: backup (full)`);
  const fullBackup = await ps.backup('A');
  const storedBytesFull = await dirBytes(ps.centerDir);
  const blobBytesFull = await dirBytes(join(ps.centerDir, 'blobs'));

  let repositoryVersion: number | null = null;
  let rFull: Awaited<ReturnType<Restic['backup']>> | null = null;
  if (restic) {
    say(`[${o.profile}] restic: init, backup (full)`);
    repositoryVersion = (await restic.init()).repositoryVersion;
    rFull = await restic.backup(image);
  }

  // Incremental: the same mutation for both.
  const mutation = await mutateImage(image, o.seed, 1);
  say(formatMutation(mutation));
  const digest = await hashTree(image);
  say(`[${o.profile}] PhoneSafe: re-import, backup (incremental)`);
  const reimport = await ps.import('A', image);
  const incrBackup = await ps.backup('A');
  const storedBytesIncr = await dirBytes(ps.centerDir);
  const rIncr = restic ? (say(`[${o.profile}] restic: backup (incremental)`), await restic.backup(image)) : null;

  // Full restore onto a new handset B, checked through an export.
  say(`[${o.profile}] PhoneSafe: enrolling handset B, restore from A, export`);
  await ps.enroll('B');
  const restore = await ps.restore('B', 'A');
  const exportDir = join(work, 'export-B');
  const exported = await ps.export('B', exportDir);
  const restoredIdentical = (await hashTree(exportDir)) === digest;
  await ps.stop();

  let resticReport: Report['restic'] = null;
  if (restic && rFull && rIncr && version) {
    say(`[${o.profile}] restic: restore latest`);
    const target = join(work, 'restic-restore');
    const rRestore = await restic.restore(target);
    resticReport = {
      version,
      repositoryVersion,
      fullBackup: { ...step(rFull.run), summary: rFull.summary },
      repoBytesFull: rFull.repoBytes,
      incrBackup: { ...step(rIncr.run), summary: rIncr.summary },
      repoBytesIncr: rIncr.repoBytes,
      restore: step(rRestore.run),
      restoredIdentical: (await hashTree(join(target, image))) === digest,
    };
  }
  return {
    profile: o.profile,
    image: { bytes: imageBytes, files: imageFiles, seed: o.seed, sizeMiB: imageBytes / MiB, digestAfterMutation: digest },
    mutation,
    phonesafe: {
      import: imp,
      handsetBytesAfterImport,
      fullBackup,
      storedBytesFull,
      blobBytesFull,
      reimport,
      incrBackup,
      storedBytesIncr,
      restore,
      export: exported,
      restoredIdentical,
      centerPeakRssKiB: ps.centerPeakKiB,
    },
    restic: resticReport,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'all' },
      'size-mib': { type: 'string' },
      scale: { type: 'string', default: '1' },
      image: { type: 'string' },
      seed: { type: 'string', default: DEFAULT_SEED },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'no-restic': { type: 'boolean', default: false },
      cli: { type: 'string' },
    },
  });
  if (values.cli) CLI = resolve(values.cli);
  const profiles: Profile[] = values.profile === 'all' ? ['media', 'phone'] : [values.profile as Profile];
  for (const p of profiles) if (!(p in PROFILES)) throw new Error(`--profile: one of media, phone, all (not ${p})`);
  if (values.image && profiles.length > 1) throw new Error('--image needs one --profile');
  const scale = Number(values.scale);
  const json = values.json;
  const say = (...lines: string[]): void => log(json, ...lines);
  say(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  mkdirSync(join(ROOT, 'bench/.work'), { recursive: true });
  const works: string[] = [];
  let ps: PhoneSafe | null = null;
  const stopOnSignal = (sig: NodeJS.Signals): void => {
    killRunning();
    ps?.center?.child.kill('SIGKILL');
    if (!values.keep) for (const w of works) rmSync(w, { recursive: true, force: true });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  process.once('exit', () => {
    killRunning();
    ps?.center?.child.kill('SIGKILL');
  });

  const reports: Report[] = [];
  for (const profile of profiles) {
    const work = mkdtempSync(join(ROOT, `bench/.work/backup-${profile}-`));
    works.push(work);
    ps = new PhoneSafe(work);
    const sizeMiB = values['size-mib'] ? Number(values['size-mib']) : PROFILES[profile].defaultMiB * scale;
    try {
      const report = await runProfile(work, ps, {
        profile,
        sizeMiB,
        seed: values.seed,
        image: values.image,
        noRestic: values['no-restic'],
        say,
      });
      reports.push(report);
      if (!json) console.log(formatReport(report));
    } finally {
      await ps.stop().catch(() => undefined);
      if (values.keep) console.error(`kept ${work}`);
      else rmSync(work, { recursive: true, force: true });
    }
  }
  say(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (json) console.log(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
  else console.log(formatProfiles(reports));
}

// ---------------------------------------------------------------- output

const sec = (s: number | null | undefined): string => (s == null ? '–' : `${s.toFixed(2)} s`);
const mib = (b: number | null | undefined): string =>
  b == null ? '–' : Math.abs(b) < MiB ? `${(b / 1024).toFixed(1)} KiB` : `${(b / MiB).toFixed(1)} MiB`;
const rss = (k: number | null | undefined): string => (k == null ? '–' : `${(k / 1024).toFixed(0)} MiB`);
const ratio = (a: number | null | undefined, b: number | null | undefined): string =>
  a == null || b == null || b === 0 ? '–' : (a / b).toFixed(2);

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatReport(r: Report): string {
  const p = r.phonesafe;
  const q = r.restic;
  const rate = (s: number, bytes = r.image.bytes): string => `${(bytes / MiB / s).toFixed(1)} MiB/s`;
  const restoredBytes = r.mutation.imageBytes + r.mutation.addedBytes;
  const sum = (a: Step, b: Step): number => a.seconds + b.seconds;
  /** CPU of the handset and the center over the given steps. */
  const cpu = (...steps: Step[]): number | null =>
    steps.every((s) => s.cpuSeconds != null && s.centerCpuSeconds != null)
      ? steps.reduce((t, s) => t + s.cpuSeconds! + s.centerCpuSeconds!, 0)
      : null;
  const steps = table(
    ['step', 'wall', 'CPU', 'peak RSS', 'center CPU', 'center RSS', 'notes'],
    [
      [
        'PhoneSafe import (full)',
        sec(p.import.seconds),
        sec(p.import.cpuSeconds),
        rss(p.import.rssKiB),
        sec(p.import.centerCpuSeconds),
        rss(p.import.centerRssKiB),
        `handset data ${mib(p.handsetBytesAfterImport)}`,
      ],
      [
        'PhoneSafe backup (full)',
        sec(p.fullBackup.seconds),
        sec(p.fullBackup.cpuSeconds),
        rss(p.fullBackup.rssKiB),
        sec(p.fullBackup.centerCpuSeconds),
        rss(p.fullBackup.centerRssKiB),
        `${rate(p.fullBackup.seconds)}, sent ${mib(p.fullBackup.result.sentBytes)} in ${p.fullBackup.result.sentParts} parts`,
      ],
      [
        'PhoneSafe re-import (1 %)',
        sec(p.reimport.seconds),
        sec(p.reimport.cpuSeconds),
        rss(p.reimport.rssKiB),
        sec(p.reimport.centerCpuSeconds),
        rss(p.reimport.centerRssKiB),
        '',
      ],
      [
        'PhoneSafe backup (incr)',
        sec(p.incrBackup.seconds),
        sec(p.incrBackup.cpuSeconds),
        rss(p.incrBackup.rssKiB),
        sec(p.incrBackup.centerCpuSeconds),
        rss(p.incrBackup.centerRssKiB),
        `sent ${mib(p.incrBackup.result.sentBytes)} in ${p.incrBackup.result.sentParts} parts, reused ${p.incrBackup.result.reusedParts}`,
      ],
      [
        'PhoneSafe restore (B from A)',
        sec(p.restore.seconds),
        sec(p.restore.cpuSeconds),
        rss(p.restore.rssKiB),
        sec(p.restore.centerCpuSeconds),
        rss(p.restore.centerRssKiB),
        rate(p.restore.seconds, restoredBytes),
      ],
      [
        'PhoneSafe export (check)',
        sec(p.export.seconds),
        sec(p.export.cpuSeconds),
        rss(p.export.rssKiB),
        sec(p.export.centerCpuSeconds),
        rss(p.export.centerRssKiB),
        `identical: ${p.restoredIdentical}`,
      ],
      ...(q
        ? [
            [
              'restic backup (full)',
              sec(q.fullBackup.seconds),
              sec(q.fullBackup.cpuSeconds),
              rss(q.fullBackup.rssKiB),
              '',
              '',
              `${rate(q.fullBackup.seconds)}, repo ${mib(q.repoBytesFull)}`,
            ],
            [
              'restic backup (incr)',
              sec(q.incrBackup.seconds),
              sec(q.incrBackup.cpuSeconds),
              rss(q.incrBackup.rssKiB),
              '',
              '',
              `data_added ${mib(q.incrBackup.summary.data_added)}`,
            ],
            [
              'restic restore',
              sec(q.restore.seconds),
              sec(q.restore.cpuSeconds),
              rss(q.restore.rssKiB),
              '',
              '',
              `${rate(q.restore.seconds, restoredBytes)}, identical: ${q.restoredIdentical}`,
            ],
          ]
        : []),
    ],
  );
  const compare = table(
    ['figure', 'PhoneSafe', 'restic', 'ratio'],
    [
      ['full backup (transfer)', sec(p.fullBackup.seconds), sec(q?.fullBackup.seconds), ratio(p.fullBackup.seconds, q?.fullBackup.seconds)],
      [
        'full import+backup',
        sec(sum(p.import, p.fullBackup)),
        sec(q?.fullBackup.seconds),
        ratio(sum(p.import, p.fullBackup), q?.fullBackup.seconds),
      ],
      [
        'full import+backup CPU',
        sec(cpu(p.import, p.fullBackup)),
        sec(q?.fullBackup.cpuSeconds),
        ratio(cpu(p.import, p.fullBackup), q?.fullBackup.cpuSeconds),
      ],
      ['stored after full', mib(p.storedBytesFull), mib(q?.repoBytesFull), ratio(p.storedBytesFull, q?.repoBytesFull)],
      ['incr backup (transfer)', sec(p.incrBackup.seconds), sec(q?.incrBackup.seconds), ratio(p.incrBackup.seconds, q?.incrBackup.seconds)],
      [
        'incr re-import+backup',
        sec(sum(p.reimport, p.incrBackup)),
        sec(q?.incrBackup.seconds),
        ratio(sum(p.reimport, p.incrBackup), q?.incrBackup.seconds),
      ],
      [
        'incr sent / data_added',
        mib(p.incrBackup.result.sentBytes),
        mib(q?.incrBackup.summary.data_added),
        ratio(p.incrBackup.result.sentBytes, q?.incrBackup.summary.data_added),
      ],
      [
        'stored growth (incr)',
        mib(p.storedBytesIncr - p.storedBytesFull),
        mib(q ? q.repoBytesIncr - q.repoBytesFull : null),
        ratio(p.storedBytesIncr - p.storedBytesFull, q ? q.repoBytesIncr - q.repoBytesFull : null),
      ],
      ['stored after incr', mib(p.storedBytesIncr), mib(q?.repoBytesIncr), ratio(p.storedBytesIncr, q?.repoBytesIncr)],
      ['full restore', sec(p.restore.seconds), sec(q?.restore.seconds), ratio(p.restore.seconds, q?.restore.seconds)],
      ['full restore CPU', sec(cpu(p.restore)), sec(q?.restore.cpuSeconds), ratio(cpu(p.restore), q?.restore.cpuSeconds)],
      [
        'peak RSS, client (max)',
        rss(Math.max(...[p.import, p.fullBackup, p.reimport, p.incrBackup, p.restore].map((s) => s.rssKiB ?? 0))),
        rss(q ? Math.max(...[q.fullBackup, q.incrBackup, q.restore].map((s) => s.rssKiB ?? 0)) : null),
        '',
      ],
      ['peak RSS, center', rss(p.centerPeakRssKiB), '', ''],
    ],
  );
  return [
    '',
    `PhoneSafe backup benchmark, profile ${r.profile}: image ${mib(r.image.bytes)}, ${r.image.files} files, seed ${JSON.stringify(r.image.seed)}`,
    `mutation: ${mib(r.mutation.changedBytes)} (${r.mutation.percent.toFixed(2)} %) in ${r.mutation.editedFiles} edited, ${r.mutation.rewrittenFiles} rewritten, ${r.mutation.addedFiles} new files`,
    q ? `baseline: ${q.version.split(' compiled')[0]}, repository v${q.repositoryVersion ?? '?'}` : 'baseline: none (restic not run)',
    '',
    steps,
    '',
    compare,
    '',
    `ratio = PhoneSafe / restic (<= 1.00 is the goal). "transfer" = the backup command alone; the handset seals its backup copies at import, so "import+backup" is the full cost.`,
    `restored identical: PhoneSafe ${p.restoredIdentical}${q ? `, restic ${q.restoredIdentical}` : ''}`,
  ].join('\n');
}

await main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
