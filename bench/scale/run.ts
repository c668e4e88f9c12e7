/**
 * Scale benchmark (issue 3): N virtual handsets in a few worker processes,
 * one center process on this machine, every handset scheduled in the same
 * minute. Measures how long until all have committed a backup, the latency
 * from start request to completion notice, the center's peak RSS and CPU,
 * and the NG answers, retries and give-ups it took.
 *
 *   npm run bench:scale -- [--handsets 1000] [--workers 4] [--contacts 200] [--json] [--keep] [--cpu-prof]
 *
 * See bench/scale/README.md for the options and what each figure means.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { CenterClient, clockFromSpec, loginOwner, type OwnerSession } from '@phonesafe/protocol/node';
import { Service } from '../backup/measure.ts';
import { wallNow, type FromWorker, type HandsetEvent, type HandsetPlan, type ToWorker } from './messages.ts';
import { formatProfile, summarizeProfile, type ProfileSummary } from './profile.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'packages/cli/src/main.ts');
const WORKER = join(import.meta.dirname, 'worker.ts');
const PASSWORD = 'correct horse battery staple (scale bench)';
const MiB = 1024 * 1024;

// ---------------------------------------------------------------- options

const { values: opt } = parseArgs({
  options: {
    handsets: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '4' },
    contacts: { type: 'string', default: '200' },
    'per-owner': { type: 'string', default: '50' },
    factor: { type: 'string', default: '1' },
    lead: { type: 'string', default: '15' },
    'tick-ms': { type: 'string', default: '200' },
    'retry-interval': { type: 'string', default: '60' },
    'answer-timeout': { type: 'string', default: '60' },
    'max-tries': { type: 'string', default: '6' },
    'setup-concurrency': { type: 'string', default: '4' },
    timeout: { type: 'string', default: '900' },
    'setup-timeout': { type: 'string', default: '3600' },
    'center-log-level': { type: 'string', default: 'warn' },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

function whole(name: string, min: number, max: number): number {
  const text = String(opt[name as keyof typeof opt]);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new Error(`--${name} must be a whole number ${min}-${max}, not ${JSON.stringify(text)}`);
  return n;
}

const N = whole('handsets', 1, 100_000);
const W = Math.min(whole('workers', 1, 64), N);
const CONTACTS = whole('contacts', 1, 100_000);
const PER_OWNER = whole('per-owner', 1, 100_000);
const FACTOR = whole('factor', 1, 3600);
const LEAD_S = whole('lead', 1, 3600);
const TICK_MS = whole('tick-ms', 10, 60_000);
const RETRY_S = whole('retry-interval', 1, 7 * 24 * 3600);
const ANSWER_S = whole('answer-timeout', 1, 3600);
const MAX_TRIES = whole('max-tries', 1, 100);
const SETUP_CONCURRENCY = whole('setup-concurrency', 1, 256);
const TIMEOUT_S = whole('timeout', 1, 24 * 3600);
const SETUP_TIMEOUT_S = whole('setup-timeout', 1, 24 * 3600);

/** Progress for people: stderr, so `--json` leaves stdout one document. */
const t0 = performance.now();
const say = (line: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

// ---------------------------------------------------------------- processes

class Worker {
  readonly id: number;
  readonly child: ChildProcess;
  readonly plans: HandsetPlan[];
  #waiters: Array<{ type: FromWorker['type']; resolve: (m: FromWorker) => void }> = [];
  onEvent: (h: number, at: number, event: HandsetEvent) => void = () => {};
  setupReady = 0;
  exited = false;
  logTail = '';

  constructor(id: number, plans: HandsetPlan[], env: NodeJS.ProcessEnv, log: string) {
    this.id = id;
    this.plans = plans;
    this.child = fork(WORKER, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
    const keep = (b: Buffer) => {
      this.logTail = (this.logTail + b.toString('utf8')).slice(-4000);
      writeFileSync(log, b, { flag: 'a' });
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.on('exit', () => {
      this.exited = true;
      for (const w of this.#waiters)
        w.resolve({ type: 'error', error: `worker ${id} exited (${this.child.exitCode ?? this.child.signalCode})\n${this.logTail}` });
      this.#waiters = [];
    });
    this.child.on('message', (raw) => {
      const m = raw as FromWorker;
      if (m.type === 'event') return this.onEvent(m.h, m.at, m.event);
      if (m.type === 'setup-progress') this.setupReady = m.ready;
      const waiting = this.#waiters.filter((w) => w.type === m.type || m.type === 'error');
      this.#waiters = this.#waiters.filter((w) => !waiting.includes(w));
      for (const w of waiting) w.resolve(m);
    });
  }

  send(message: ToWorker): void {
    if (!this.exited) this.child.send(message);
  }

  /** The next message of `type` (an 'error' message or the worker's exit throws). */
  async next<T extends FromWorker['type']>(type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    if (this.exited) throw new Error(`worker ${this.id} has exited\n${this.logTail}`);
    let timer: NodeJS.Timeout | undefined;
    const got = await new Promise<FromWorker>((resolve) => {
      this.#waiters.push({ type, resolve });
      timer = setTimeout(
        () => resolve({ type: 'error', error: `worker ${this.id}: no '${type}' within ${timeoutMs / 1000} s` }),
        timeoutMs,
      );
    });
    clearTimeout(timer);
    if (got.type === 'error') throw new Error(got.error);
    return got as Extract<FromWorker, { type: T }>;
  }

  /** Resolves when the process has exited, or after `ms`. */
  async exit(ms: number): Promise<void> {
    if (this.exited) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------- per-handset record

interface Attempt {
  at: number;
  attempt: number;
  jobId: string;
}

interface HandsetRecord {
  name: string;
  requests: Attempt[];
  ng: Array<{ at: number; reason: string | null }>;
  done: Array<{ at: number; jobId: string; sentBytes: number; files: number }>;
  failed: Array<{ at: number; code: string; detail: string }>;
  disconnects: Array<{ at: number; reason: string }>;
  refused: number;
  gaveUpAt: number | null;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

interface Spread {
  n: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  min: number | null;
}

function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const r = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  return {
    n: s.length,
    min: r(s[0] ?? null),
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p99: r(percentile(s, 99)),
    max: r(s.at(-1) ?? null),
  };
}

// ---------------------------------------------------------------- center state after the run

interface JobsSummary {
  byStatus: Record<string, number>;
  /** jobs by the attempt they ended on */
  byAttempt: Record<string, number>;
  /** NG reasons the center recorded (answered NG, no-answer, disconnected, transfer-failed) */
  reasons: Record<string, number>;
}

/** Read-only look at the center's jobs table after it stopped: the center's own account of retries and why. */
function readJobs(dbFile: string): JobsSummary | null {
  try {
    const db = new DatabaseSync(dbFile, { readOnly: true });
    try {
      const rows = db.prepare('SELECT status, attempt, reasons FROM jobs').all() as Array<{
        status: string;
        attempt: number;
        reasons: string;
      }>;
      const out: JobsSummary = { byStatus: {}, byAttempt: {}, reasons: {} };
      for (const row of rows) {
        out.byStatus[row.status] = (out.byStatus[row.status] ?? 0) + 1;
        out.byAttempt[row.attempt] = (out.byAttempt[row.attempt] ?? 0) + 1;
        for (const reason of JSON.parse(row.reasons) as string[]) out.reasons[reason] = (out.reasons[reason] ?? 0) + 1;
      }
      return out;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- main

const work = (() => {
  mkdirSync(join(ROOT, 'bench/.work'), { recursive: true });
  return mkdtempSync(join(ROOT, 'bench/.work/scale-'));
})();
const centerDir = join(work, 'center');
const profDir = join(work, 'cpu-prof');
let center = null as Service | null;
const workers: Worker[] = [];
const sessions: OwnerSession[] = [];

function killAll(): void {
  for (const w of workers) w.kill();
  if (center?.running) center.child.kill('SIGKILL');
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  if (!opt.keep) rmSync(work, { recursive: true, force: true });
  process.exit(signal === 'SIGINT' ? 130 : 143);
}
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
process.once('exit', killAll);

async function main(): Promise<void> {
  const realOrigin = Date.now();
  const clockSpec = `scaled:${realOrigin}:${FACTOR}`;
  const clock = clockFromSpec(clockSpec);
  const virtualToWall = (virtualMs: number) => realOrigin + (virtualMs - realOrigin) / FACTOR;
  const owners = Math.ceil(N / PER_OWNER);
  say(`scale benchmark: ${N} handsets × ${CONTACTS} contacts, ${W} worker processes, ${owners} owner(s); work dir ${work}`);

  // 1. The center.
  mkdirSync(centerDir, { recursive: true });
  const centerEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PHONESAFE_CLOCK: clockSpec,
    PHONESAFE_TICK_MS: String(TICK_MS),
    PHONESAFE_RETRY_INTERVAL_SECONDS: String(RETRY_S),
    PHONESAFE_ANSWER_TIMEOUT_SECONDS: String(ANSWER_S),
    PHONESAFE_MAX_TRIES: String(MAX_TRIES),
    PHONESAFE_LOG_LEVEL: opt['center-log-level'],
  };
  const nodeArgs = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const ready = /^PhoneSafe center listening on (https?:\/\/\S+)/;
  center = await Service.start(
    process.execPath,
    [...nodeArgs, CLI, 'center', '--port', '0', '--host', '127.0.0.1', '--data', centerDir],
    ready,
    { env: centerEnv, cwd: ROOT },
  );
  const url = ready.exec(center.readyLine)![1]!;
  say(`center ${url} (pid ${center.child.pid}), PHONESAFE_CLOCK=${clockSpec}, tick ${TICK_MS} ms`);

  // 2. Workers, each with a contiguous block of handsets (so an owner's handsets mostly share a worker).
  const records: HandsetRecord[] = [];
  const plans: HandsetPlan[] = [];
  const width = String(N - 1).length;
  for (let i = 0; i < N; i++) {
    const name = `h${String(i).padStart(width, '0')}`;
    const owner = `scale-owner-${Math.floor(i / PER_OWNER)}@example.org`;
    plans.push({ index: i, name, owner, dir: join(work, 'handsets', name) });
    records.push({ name, requests: [], ng: [], done: [], failed: [], disconnects: [], refused: 0, gaveUpAt: null });
  }
  const onEvent = (h: number, at: number, e: HandsetEvent) => {
    const r = records[h]!;
    switch (e.kind) {
      case 'request':
        r.requests.push({ at, attempt: e.attempt, jobId: e.jobId });
        break;
      case 'answered':
        if (e.answer === 'NG') r.ng.push({ at, reason: e.reason });
        break;
      case 'done':
        r.done.push({ at, jobId: e.jobId, sentBytes: e.sentBytes, files: e.files });
        break;
      case 'failed':
        r.failed.push({ at, code: e.code, detail: e.detail });
        break;
      case 'disconnected':
        r.disconnects.push({ at, reason: e.reason });
        break;
      case 'refused':
        r.refused++;
        break;
    }
  };
  const workerEnv: NodeJS.ProcessEnv = { ...process.env, PHONESAFE_CLOCK: clockSpec };
  mkdirSync(join(work, 'handsets'), { recursive: true });
  for (let w = 0; w < W; w++) {
    const block = plans.slice(Math.floor((w * N) / W), Math.floor(((w + 1) * N) / W));
    const worker = new Worker(w, block, workerEnv, join(work, `worker-${w}.log`));
    worker.onEvent = onEvent;
    workers.push(worker);
  }

  // 3. Set-up: enrol, import contacts, open the live channel.
  const setupStart = performance.now();
  for (const w of workers)
    w.send({ type: 'setup', url, clockSpec, password: PASSWORD, contacts: CONTACTS, handsets: w.plans, concurrency: SETUP_CONCURRENCY });
  const progress = setInterval(
    () => say(`set-up: ${workers.reduce((s, w) => s + w.setupReady, 0)}/${N} handsets enrolled, imported and connected`),
    10_000,
  );
  let setups: Array<Extract<FromWorker, { type: 'ready' }>>;
  try {
    setups = await Promise.all(workers.map((w) => w.next('ready', SETUP_TIMEOUT_S * 1000)));
  } finally {
    clearInterval(progress);
  }
  const setupFailures = setups.flatMap((s) => s.failures);
  if (setupFailures.length > 0) {
    throw new Error(
      `${setupFailures.length} handset(s) could not be set up, e.g. ${setupFailures
        .slice(0, 5)
        .map((f) => `${f.name}: ${f.error}`)
        .join('; ')}`,
    );
  }
  const setupSeconds = (performance.now() - setupStart) / 1000;
  const contactBytes = setups.reduce((s, r) => s + r.contactBytes, 0);
  say(
    `set-up done in ${setupSeconds.toFixed(1)} s: ${N} handsets connected, ${(contactBytes / MiB).toFixed(1)} MiB of contacts; center RSS peak so far ${kib(center.peakRssKiB())}`,
  );

  // Owner sessions, to read give-up notices while waiting.
  for (let k = 0; k < owners; k++)
    sessions.push(await loginOwner(new CenterClient({ baseUrl: url }), `scale-owner-${k}@example.org`, PASSWORD));

  // 4. One minute for all: the first whole virtual minute at least --lead real seconds ahead.
  let slot = 0;
  let scheduleValue = '';
  for (let attempt = 1; ; attempt++) {
    slot = Math.ceil((clock.now().getTime() + LEAD_S * 1000 * FACTOR) / 60_000) * 60_000;
    scheduleValue = `daily@${new Date(slot).toISOString().slice(11, 16)}`;
    for (const w of workers) w.send({ type: 'schedule', value: scheduleValue });
    const results = await Promise.all(workers.map((w) => w.next('scheduled', 120_000)));
    const failures = results.flatMap((r) => r.failures);
    if (failures.length > 0)
      throw new Error(
        `${failures.length} schedule(s) not registered, e.g. ${failures
          .slice(0, 3)
          .map((f) => `${f.name}: ${f.error}`)
          .join('; ')}`,
      );
    const nextRuns = new Set(results.flatMap((r) => r.nextRunAts));
    if (nextRuns.size === 1 && nextRuns.has(new Date(slot).toISOString())) break;
    if (attempt === 3) throw new Error(`could not register one slot ahead of the clock (next runs: ${[...nextRuns].join(', ')})`);
    say(`the slot passed while registering (next runs ${[...nextRuns].join(', ')}); trying a later minute`);
  }
  const slotWall = virtualToWall(slot);
  say(
    `all ${N} handsets registered ${scheduleValue} (UTC); the center runs them at ${new Date(slot).toISOString()} (in ${((slotWall - Date.now()) / 1000).toFixed(1)} s real)`,
  );

  // 5. Wait for the slot, then for every handset to commit a backup or the center to give up.
  while (wallNow() < slotWall - 500) await sleep(Math.min(1000, slotWall - 500 - wallNow()));
  center.resetPeak();
  const cpuAtSlot = center.cpuSeconds() ?? 0;
  const slotIso = new Date(slot).toISOString();
  const deadline = slotWall + TIMEOUT_S * 1000;
  const finished = (r: HandsetRecord) => r.done.length > 0 || r.gaveUpAt !== null;
  let lastNotices = 0;
  let lastProgress = 0;
  let timedOut = false;
  for (;;) {
    const now = wallNow();
    if (records.every(finished)) break;
    if (now > deadline) {
      timedOut = true;
      break;
    }
    if (!center.running) throw new Error(`the center exited during the run\n${center.stderrTail}`);
    const dead = workers.find((w) => w.exited);
    if (dead) throw new Error(`worker ${dead.id} exited during the run\n${dead.logTail}`);
    if (now - lastNotices > 5000) {
      lastNotices = now;
      await readGiveUps(records, slotIso).catch((error: unknown) => say(`could not read notices: ${String(error)}`));
    }
    if (now - lastProgress > 5000 && now > slotWall) {
      lastProgress = now;
      const count = (f: (r: HandsetRecord) => boolean) => records.filter(f).length;
      say(
        `+${((now - slotWall) / 1000).toFixed(0)} s: requested ${count((r) => r.requests.length > 0)}/${N}, completed ${count((r) => r.done.length > 0)}, ` +
          `NG ${records.reduce((s, r) => s + r.ng.length, 0)}, retries ${records.reduce((s, r) => s + r.requests.filter((q) => q.attempt > 1).length, 0)}, ` +
          `gave up ${count((r) => r.gaveUpAt !== null)}; center RSS ${kib(center.peakRssKiB())} peak, CPU ${((center.cpuSeconds() ?? 0) - cpuAtSlot).toFixed(0)} s`,
      );
    }
    await sleep(200);
  }
  const endWall = wallNow();
  await readGiveUps(records, slotIso).catch(() => undefined);
  const centerPeakRun = center.peakRssKiB();
  const centerCpuRun = (center.cpuSeconds() ?? 0) - cpuAtSlot;
  const centerCpuTotal = center.cpuSeconds();
  say(
    timedOut
      ? `timed out after ${TIMEOUT_S} s: ${records.filter((r) => !finished(r)).length} handset(s) unfinished`
      : 'every handset finished; stopping',
  );

  // 6. Stop: workers first (their sockets close), then the center.
  for (const s of sessions) await s.client.close().catch(() => undefined);
  for (const w of workers) w.send({ type: 'stop' });
  const stops = await Promise.all(workers.map((w) => w.next('stopped', 60_000).catch(() => null)));
  await Promise.all(workers.map((w) => w.exit(10_000)));
  for (const w of workers) w.kill();
  await center.stop(30_000);
  const jobs = readJobs(join(centerDir, 'center.db'));
  let profile: { file: string; summary: ProfileSummary } | null = null;
  if (opt['cpu-prof']) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      const kept = join(ROOT, 'bench/.work', `scale-center-${N}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
      copyFileSync(join(profDir, file), kept);
      profile = { file: kept, summary: summarizeProfile(kept, 15) };
    }
  }

  // 7. Figures.
  const latencies: number[] = [];
  const latenciesFromFirst: number[] = [];
  const deliveries: number[] = [];
  const completions: number[] = [];
  for (const r of records) {
    const first = r.requests[0];
    if (first) deliveries.push((first.at - slotWall) / 1000);
    const done = r.done[0];
    if (!done) continue;
    completions.push((done.at - slotWall) / 1000);
    // From the start request of the attempt that ended in this backup (same job id, latest before it).
    const request = r.requests.filter((q) => q.jobId === done.jobId && q.at <= done.at).at(-1);
    if (request) latencies.push((done.at - request.at) / 1000);
    if (first) latenciesFromFirst.push((done.at - first.at) / 1000);
  }
  const allDone = records.flatMap((r) => r.done);
  const result = {
    handsets: N,
    contactsEach: CONTACTS,
    workers: W,
    owners,
    config: {
      clock: clockSpec,
      factor: FACTOR,
      tickMs: TICK_MS,
      retryIntervalSeconds: RETRY_S,
      answerTimeoutSeconds: ANSWER_S,
      maxTries: MAX_TRIES,
      schedule: scheduleValue,
      scheduledAt: slotIso,
      timeoutSeconds: TIMEOUT_S,
    },
    setup: { seconds: round(setupSeconds), contactBytes },
    completed: completions.length,
    timedOut,
    /** scheduled minute → last completion notice, real seconds (null unless every handset completed) */
    totalSeconds: completions.length === N ? round(Math.max(...completions)) : null,
    firstCompletionSeconds: completions.length ? round(Math.min(...completions)) : null,
    /** scheduled minute → first start request at the handset, real seconds */
    delivery: spread(deliveries),
    /** start request (of the attempt that succeeded) → completion notice, real seconds */
    latency: spread(latencies),
    /** first start request → completion notice (includes any retries), real seconds */
    latencyFromFirstRequest: spread(latenciesFromFirst),
    backupsCommitted: allDone.length,
    bytesSent: allDone.reduce((s, d) => s + d.sentBytes, 0),
    requests: records.reduce((s, r) => s + r.requests.length, 0),
    ngAnswers: records.reduce((s, r) => s + r.ng.length, 0),
    ngReasons: countBy(records.flatMap((r) => r.ng.map((n) => n.reason ?? 'none'))),
    retries: records.reduce((s, r) => s + r.requests.filter((q) => q.attempt > 1).length, 0),
    handsetsRetried: records.filter((r) => r.requests.some((q) => q.attempt > 1)).length,
    gaveUp: records.filter((r) => r.gaveUpAt !== null).length,
    backupFailures: records.reduce((s, r) => s + r.failed.length, 0),
    backupFailureCodes: countBy(records.flatMap((r) => r.failed.map((f) => f.code))),
    /** distinct failure details (ids cut out), most frequent first */
    backupFailureDetails: topOf(
      countBy(records.flatMap((r) => r.failed.map((f) => `${f.code}: ${f.detail.replace(/[0-9a-f]{16,}|[0-9A-Za-z_-]{20,}/g, '…')}`))),
      5,
    ),
    channelDropsAfterSlot: records.reduce((s, r) => s + r.disconnects.filter((d) => d.at >= slotWall).length, 0),
    channelDropReasons: countBy(records.flatMap((r) => r.disconnects.filter((d) => d.at >= slotWall).map((d) => d.reason))),
    refused: records.reduce((s, r) => s + r.refused, 0),
    center: {
      peakRssKiBBackupPhase: centerPeakRun,
      cpuSecondsBackupPhase: round(centerCpuRun),
      coresBackupPhase: round(centerCpuRun / Math.max(0.001, (endWall - slotWall) / 1000)),
      cpuSecondsTotal: centerCpuTotal === null ? null : round(centerCpuTotal),
    },
    workerProcesses: {
      peakRssKiB: stops.map((s) => s?.peakRssKiB ?? null),
      cpuSeconds: stops.map((s) => (s ? round(s.cpuSeconds) : null)),
    },
    centerJobs: jobs,
    unfinished: records
      .filter((r) => !finished(r))
      .map((r) => r.name)
      .slice(0, 20),
    /** unfinished handsets as their workers saw them before stopping: last channel event and parts still waiting to be sent */
    stuck: stuckSummary(stops.flatMap((s) => s?.stuck ?? [])),
    cpuProfile: profile ? { file: profile.file, ...profile.summary } : null,
  };

  if (opt.json) process.stdout.write(JSON.stringify(result) + '\n');
  else
    process.stdout.write(
      formatReport(result) + (profile ? `\ncenter CPU profile ${profile.file}\n${formatProfile(profile.summary)}\n` : ''),
    );
  if (!opt.keep) rmSync(work, { recursive: true, force: true });
  else say(`kept ${work}`);
  if (timedOut || result.gaveUp > 0) process.exitCode = 1;
}

type Result = {
  handsets: number;
  contactsEach: number;
  workers: number;
  owners: number;
  config: {
    clock: string;
    factor: number;
    tickMs: number;
    retryIntervalSeconds: number;
    answerTimeoutSeconds: number;
    maxTries: number;
    schedule: string;
    scheduledAt: string;
    timeoutSeconds: number;
  };
  setup: { seconds: number; contactBytes: number };
  completed: number;
  timedOut: boolean;
  totalSeconds: number | null;
  firstCompletionSeconds: number | null;
  delivery: Spread;
  latency: Spread;
  latencyFromFirstRequest: Spread;
  backupsCommitted: number;
  bytesSent: number;
  requests: number;
  ngAnswers: number;
  ngReasons: Record<string, number>;
  retries: number;
  handsetsRetried: number;
  gaveUp: number;
  backupFailures: number;
  backupFailureCodes: Record<string, number>;
  backupFailureDetails: Record<string, number>;
  channelDropsAfterSlot: number;
  channelDropReasons: Record<string, number>;
  refused: number;
  center: { peakRssKiBBackupPhase: number | null; cpuSecondsBackupPhase: number; coresBackupPhase: number; cpuSecondsTotal: number | null };
  workerProcesses: { peakRssKiB: Array<number | null>; cpuSeconds: Array<number | null> };
  centerJobs: JobsSummary | null;
  unfinished: string[];
  stuck: ReturnType<typeof stuckSummary>;
};

function stuckSummary(stuck: Array<{ name: string; lastEvent: string; pendingParts: number; pendingVersions: number }>) {
  return {
    handsets: stuck.length,
    byLastEvent: countBy(stuck.map((s) => s.lastEvent)),
    /** parts still in the backup area: all of them (the upload never started), some, or none (stuck at the end notice) */
    byPendingParts: countBy(stuck.map((s) => (s.pendingParts === 0 ? 'none' : s.pendingParts >= s.pendingVersions ? 'all' : 'some'))),
    examples: stuck.slice(0, 5),
  };
}

function formatReport(r: Result): string {
  const s = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)} s`);
  const sp = (x: Spread) => `p50 ${s(x.p50)}  p90 ${s(x.p90)}  p99 ${s(x.p99)}  max ${s(x.max)}  (n ${x.n})`;
  const counts = (m: Record<string, number>) =>
    Object.keys(m).length
      ? ` (${Object.entries(m)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`
      : '';
  const rss = r.workerProcesses.peakRssKiB.filter((v): v is number => v !== null);
  const cpu = r.workerProcesses.cpuSeconds.filter((v): v is number => v !== null);
  const c = r.config;
  const lines = [
    `PhoneSafe scale benchmark: ${r.handsets} handsets × ${r.contactsEach} contacts, ${r.workers} worker processes, ${r.owners} owner(s), one center`,
    `  clock ${c.clock} (factor ${c.factor}); tick ${c.tickMs} ms; answer within ${c.answerTimeoutSeconds} s, retry every ${c.retryIntervalSeconds} s, ${c.maxTries} tries`,
    `  set-up ${r.setup.seconds.toFixed(1)} s (enrol, import ${(r.setup.contactBytes / MiB).toFixed(1)} MiB of vCards, connect); schedule ${c.schedule} UTC = ${c.scheduledAt}`,
    '',
    `completed                  ${r.completed}/${r.handsets} handsets${r.timedOut ? `  (TIMED OUT after ${c.timeoutSeconds} s; unfinished e.g. ${r.unfinished.join(', ')})` : ''}`,
    `total time                 ${s(r.totalSeconds)}  (scheduled minute → last completion notice; first after ${s(r.firstCompletionSeconds)})`,
    `request delivery           ${sp(r.delivery)}  (scheduled minute → first start request)`,
    `latency request→completion ${sp(r.latency)}`,
    `  from first request       ${sp(r.latencyFromFirstRequest)}`,
    `backups committed          ${r.backupsCommitted}  (${(r.bytesSent / MiB).toFixed(1)} MiB sent)`,
    `start requests             ${r.requests}`,
    `NG answers                 ${r.ngAnswers}${counts(r.ngReasons)}`,
    `retries (attempt > 1)      ${r.retries}  (${r.handsetsRetried} handsets)`,
    `give-ups                   ${r.gaveUp}`,
    `backup failures (handset)  ${r.backupFailures}${counts(r.backupFailureCodes)}`,
    ...Object.entries(r.backupFailureDetails).map(([d, n]) => `  ${String(n).padStart(5)} × ${d.slice(0, 160)}`),
    `channel drops after slot   ${r.channelDropsAfterSlot}${counts(r.channelDropReasons)}; refused messages ${r.refused}`,
    `center                     peak RSS ${kib(r.center.peakRssKiBBackupPhase)} (backup phase), CPU ${r.center.cpuSecondsBackupPhase.toFixed(1)} s in the backup phase (${r.center.coresBackupPhase.toFixed(2)} cores avg), ${r.center.cpuSecondsTotal?.toFixed(1) ?? '-'} s whole run`,
    `worker processes           peak RSS max ${kib(rss.length ? Math.max(...rss) : null)}, sum ${kib(rss.reduce((a, b) => a + b, 0))}; CPU ${cpu.reduce((a, b) => a + b, 0).toFixed(1)} s (set-up and run)`,
  ];
  if (r.stuck.handsets > 0) {
    lines.push(
      `stuck (request, no backup)  ${r.stuck.handsets}; last channel event${counts(r.stuck.byLastEvent)}; parts still waiting${counts(r.stuck.byPendingParts)}`,
    );
  }
  if (r.centerJobs) {
    lines.push(
      `center jobs table          ${Object.entries(r.centerJobs.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ended on attempt ${Object.entries(r.centerJobs.byAttempt)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}; NG reasons${counts(r.centerJobs.reasons) || ' none'}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Marks handsets with a "backup could not be made" notice (kind backup-failed) since the slot. */
async function readGiveUps(records: HandsetRecord[], sinceIso: string): Promise<void> {
  const at = wallNow();
  const byName = new Map(records.map((r) => [r.name, r]));
  for (const s of sessions) {
    for (const n of await s.client.notices()) {
      if (n.kind !== 'backup-failed' || n.at < sinceIso || !n.handsetName) continue;
      const r = byName.get(n.handsetName);
      if (r && r.gaveUpAt === null) r.gaveUpAt = at;
    }
  }
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

function topOf(m: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .slice(0, n),
  );
}

function kib(v: number | null): string {
  return v === null ? '-' : v >= 1024 * 1024 ? `${(v / 1024 / 1024).toFixed(2)} GiB` : `${(v / 1024).toFixed(0)} MiB`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

try {
  await main();
} catch (error) {
  say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (center && !center.running) say(`center stderr:\n${center.stderrTail}`);
  killAll();
  if (!opt.keep) rmSync(work, { recursive: true, force: true });
  else say(`kept ${work}`);
  process.exitCode = 1;
}
