/**
 * `phonesafe demo`: seed 001 FIG 5/6 in under a minute, with real processes.
 * A center and three virtual handsets (A, B, C) of one owner run as separate
 * `phonesafe` processes on loopback, sharing one accelerated clock
 * (PHONESAFE_CLOCK=scaled:<now>:<factor>). The center asks A and C for a
 * scheduled backup; A is being operated, answers NG, and OK on the retry;
 * C is operated all along, so the center gives up and leaves a notice. A's
 * backup is then pushed to B over B's live channel and compared by hash.
 * Every number in the summary is counted from what the processes reported.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clockFromSpec, PhoneSafeError, type Clock, type Notice, type ScheduleView } from '@phonesafe/protocol';
import { formatDuration } from '../duration.ts';
import type { RunEvent } from '../run-events.ts';
import { Children, type Env, type LineChild } from './processes.ts';
import { sameDigest, treeDigest, writeDemoTree } from './data.ts';

export interface DemoOptions {
  /** Virtual seconds per real second. */
  factor: number;
  /** Keep the temporary directory (its path is narrated). */
  keep: boolean;
  /** Receives each narration line. */
  say: (line: string) => void;
}

export interface DemoSummary {
  /** Backups the handsets reported committed. */
  backups: number;
  /** Start requests the center sent again after an NG or silence (attempt > 1). */
  retries: number;
  /** NG answers the handsets gave. */
  ng: number;
  /** "backup could not be made" notices the center left. */
  gaveUp: number;
  /** Files B reported restored from A's backup. */
  restoredItems: number;
  /** B's export equals A's source, file by file, by SHA-256. */
  identical: boolean;
  requests: number;
  notices: number;
  factor: number;
  wallSeconds: number;
  virtualMinutes: number;
}

const OWNER = 'demo-owner@example.org';
const PASSWORD = 'phonesafe demo: correct horse battery staple';
/** How long the demo waits for one step, in real time, before it gives up with the reason. */
const STEP_TIMEOUT_MS = 60_000;

interface HandsetChild {
  name: string;
  dir: string;
  run?: LineChild<RunEvent>;
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const realStart = Date.now();
  const spec = `scaled:${realStart}:${options.factor}`;
  const clock = clockFromSpec(spec);
  const root = await mkdtemp(join(tmpdir(), 'phonesafe-demo-'));
  const env: Env = {
    PATH: process.env.PATH ?? '',
    HOME: root,
    PHONESAFE_PC_DIR: join(root, 'pc'),
    PHONESAFE_PASSWORD: PASSWORD,
    PHONESAFE_OWNER: OWNER,
    PHONESAFE_CLOCK: spec,
    PHONESAFE_LOG_LEVEL: 'warn',
  };
  const children = new Children(env);
  const say = (line: string) =>
    options.say(`[${((Date.now() - realStart) / 1000).toFixed(1).padStart(5)} s | ${virtualTime(clock)}] ${line}`);
  // Whatever ends the demo (error, Ctrl-C, SIGTERM), no child outlives it and the temporary data goes.
  const cleanUp = () => children.killAll();
  const onSignal = (signal: NodeJS.Signals) => {
    children.killAll();
    if (!options.keep) rmSync(root, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', cleanUp);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    options.say(`PhoneSafe demo: seed 001, FIG 5/6 (center-initiated backup, NG, retry, give-up) and a restore to another handset`);
    options.say(
      `one clock for every process: PHONESAFE_CLOCK=${spec} (1 real second = ${formatDuration(options.factor)} virtual); times below are [real elapsed | virtual UTC]`,
    );
    if (options.keep) options.say(`working directory (kept): ${root}`);
    return await scenario({ children, env, clock, root, say, factor: options.factor, realStart });
  } finally {
    children.killAll();
    process.off('exit', cleanUp);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!options.keep) await rm(root, { recursive: true, force: true });
  }
}

interface Context {
  children: Children;
  env: Env;
  clock: Clock;
  root: string;
  say: (line: string) => void;
  factor: number;
  realStart: number;
}

async function scenario(ctx: Context): Promise<DemoSummary> {
  const { children, env, clock, root, say, factor } = ctx;
  const virtualStart = clock.now().getTime();

  // 1. The center, on a free loopback port.
  const center = children.start<{ url?: string }>('center', [
    'center',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--data',
    join(root, 'center'),
    '--json',
  ]);
  const { url } = await center.waitFor((l) => typeof l.url === 'string', 'listening URL', STEP_TIMEOUT_MS);
  env.PHONESAFE_CENTER = url!;
  say(`center started: ${url} (phonesafe center --port 0)`);

  // 2. Three handsets of one owner. A and C get data; B stays empty (a replacement handset).
  const handsets = Object.fromEntries(['A', 'B', 'C'].map((name) => [name, { name, dir: join(root, `handset-${name}`) }])) as Record<
    'A' | 'B' | 'C',
    HandsetChild
  >;
  const { A, B, C } = handsets;
  const enroll = (h: HandsetChild) =>
    children.json(['handset', 'enroll', '--center', url!, '--owner', OWNER, '--name', h.name, '--data', h.dir]);
  let slowest = await timed(() => enroll(A));
  slowest = Math.max(slowest, ...(await Promise.all([B, C].map((h) => timed(() => enroll(h))))));
  say(`enrolled handsets A, B and C of ${OWNER} (phonesafe handset enroll)`);

  // B1 settings: back up contacts, calendar and media; the handset's own schedule trigger is off (registered
  // at the center as it changes), so the schedule the pc sets below is the one that counts.
  const settings = await Promise.all(
    [A, B, C].map((h) =>
      children.json<{ schedule?: { registered: boolean } }>([
        'handset',
        'settings',
        '--data',
        h.dir,
        '--set',
        'targets.kinds=contacts,calendar,media',
        '--set',
        'triggers.schedule=none',
      ]),
    ),
  );
  if (!settings.every((s) => s.schedule?.registered))
    throw new PhoneSafeError('INTERNAL', 'a handset could not register its schedule setting at the center');
  const [srcA, srcC] = [join(root, 'source-A'), join(root, 'source-C')];
  await Promise.all([writeDemoTree(srcA, 'A'), writeDemoTree(srcC, 'C')]);
  await Promise.all([
    children.json(['handset', 'import', '--data', A.dir, srcA]),
    children.json(['handset', 'import', '--data', C.dir, srcC]),
  ]);
  say('handset settings: targets.kinds=contacts,calendar,media, triggers.schedule=none (the pc sets the schedule)');
  say('imported a generated tree (2 contacts, a calendar, a photo) into A and into C');

  // 3. Each handset keeps its live channel open (phonesafe handset run).
  for (const h of [A, B, C]) h.run = children.start<RunEvent>(`handset ${h.name}`, ['handset', 'run', '--data', h.dir, '--json']);
  await Promise.all([A, B, C].map((h) => h.run!.waitFor((e) => e.event === 'connected', 'connection to the center', STEP_TIMEOUT_MS)));
  say('handsets A, B and C run and hold their live channel to the center (phonesafe handset run)');
  for (const h of [A, B, C]) narrateRun(h, say);

  // 4. Schedules from the pc, with a slot a few virtual minutes ahead, and the owner at A and C.
  const tick = 1000 * factor; // the scheduler looks once a real second
  const realToVirtual = (ms: number) => ms * factor;
  const retryA = {
    interval: roundUp(realToVirtual(2 * slowest + 3000) / 1000, 60),
    answer: roundUp(realToVirtual(2000) / 1000, 60),
    tries: 4,
  };
  const retryC = { interval: roundUp(realToVirtual(1500) / 1000, 60), answer: retryA.answer, tries: 3 };
  let views: ScheduleView[] = [];
  let slot = 0;
  for (let attempt = 1; ; attempt++) {
    slot = nextMinute(clock.now().getTime() + realToVirtual(3 * slowest + 1500));
    const busyA = Math.ceil((slot - clock.now().getTime() + 2 * tick) / 1000);
    await Promise.all([
      children.json(['handset', 'busy', '--data', A.dir, '--for', formatDuration(busyA)]),
      children.json(['handset', 'busy', '--data', C.dir, '--for', '1d']),
    ]);
    if (attempt === 1) say(`the owner is operating A for ${formatDuration(busyA)} and C all day (phonesafe handset busy --for)`);
    const at = new Date(slot).toISOString().slice(11, 16);
    views = await Promise.all(
      (
        [
          [A, retryA],
          [C, retryC],
        ] as const
      ).map(([h, r]) =>
        children.json<ScheduleView>([
          'pc',
          'schedule',
          '--handset',
          h.name,
          '--daily',
          at,
          '--retry-interval',
          formatDuration(r.interval),
          '--answer-timeout',
          formatDuration(r.answer),
          '--tries',
          String(r.tries),
        ]),
      ),
    );
    // Too slow a machine may pass the slot before it is set; then the center plans it for tomorrow: pick a later one.
    if (views.every((v) => v.nextRunAt !== null && new Date(v.nextRunAt).getTime() === slot)) break;
    if (attempt === 3)
      throw new PhoneSafeError(
        'INTERNAL',
        `could not set a schedule ahead of the virtual clock (next runs: ${views.map((v) => v.nextRunAt).join(', ')})`,
      );
  }
  for (const [v, r] of [
    [views[0]!, retryA],
    [views[1]!, retryC],
  ] as const) {
    say(
      `pc schedule ${v.handsetName}: daily at ${new Date(slot).toISOString().slice(11, 16)} UTC, next run ${v.nextRunAt!.slice(11, 16)}; retry after ${formatDuration(r.interval)}, answer within ${formatDuration(r.answer)}, give up after ${r.tries} tries`,
    );
  }

  // 5. Wait: A commits a backup after NG then OK; C answers NG every time until the center gives up.
  const committed = await A.run!.waitFor((e) => e.event === 'backup-committed', 'scheduled backup committed', STEP_TIMEOUT_MS);
  await C.run!.waitFor(
    (e) => e.event === 'answered' && e.answer === 'NG' && e.attempt === retryC.tries,
    `NG answer to request ${retryC.tries}`,
    STEP_TIMEOUT_MS,
  );
  const notices = await until(
    () => children.json<{ notices: Notice[] }>(['pc', 'notices']),
    (n) => n.notices.some((x) => x.kind === 'backup-failed' && x.handsetName === 'C'),
    'the give-up notice for C',
  );
  for (const n of notices.notices) say(`pc notices: ${n.kind} ${n.handsetName ?? '-'}: ${n.message}`);
  const onC = await children.json<{ notices: Notice[] }>(['handset', 'notices', '--data', C.dir]);
  for (const n of onC.notices) say(`handset C display: ${n.message}`);

  // 6. Restore A's backup to B from the pc: delivered over B's channel at once.
  if (committed.event !== 'backup-committed') throw new Error('unreachable');
  await children.json(['pc', 'restore', '--backup', committed.backupId, '--to', 'B', '--overwrite', 'yes']);
  say(`pc restore --backup ${committed.backupId} --to B: the order is pushed over B's live channel`);
  const applied = await B.run!.waitFor((e) => e.event === 'restore-applied', 'restore applied', STEP_TIMEOUT_MS);
  const exportB = join(root, 'export-B');
  await children.json(['handset', 'export', '--data', B.dir, exportB]);
  const [want, got] = await Promise.all([treeDigest(srcA), treeDigest(exportB)]);
  const identical = sameDigest(want, got);
  say(`exported B and compared it with A's source by SHA-256: ${Object.keys(got).length} files, ${identical ? 'identical' : 'DIFFERENT'}`);

  // 7. Stop everything cleanly.
  const stops = await Promise.all([A, B, C].map((h) => h.run!.stop()));
  const centerStop = await center.stop();
  const unclean = [...stops.map((r, i) => [[A, B, C][i]!.name, r] as const), ['center', centerStop] as const].filter(
    ([, r]) => r.code !== 0,
  );
  say(
    unclean.length === 0
      ? 'stopped the handsets and the center (SIGTERM): all exited cleanly'
      : `stopped; not clean: ${unclean.map(([n, r]) => `${n} (exit ${r.code})`).join(', ')}`,
  );

  const events = [A, B, C].flatMap((h) => h.run!.lines);
  const count = (f: (e: RunEvent) => boolean) => events.filter(f).length;
  return {
    backups: count((e) => e.event === 'backup-committed'),
    retries: count((e) => e.event === 'backup-start' && e.attempt > 1),
    ng: count((e) => e.event === 'answered' && e.answer === 'NG'),
    gaveUp: notices.notices.filter((n) => n.kind === 'backup-failed').length,
    restoredItems: applied.event === 'restore-applied' ? applied.restored : 0,
    identical,
    requests: count((e) => e.event === 'backup-start'),
    notices: notices.notices.length,
    factor,
    wallSeconds: Math.round((Date.now() - ctx.realStart) / 100) / 10,
    virtualMinutes: Math.round((clock.now().getTime() - virtualStart) / 60_000),
  };
}

/** Tells each run event of a handset as it comes. */
function narrateRun(h: HandsetChild, say: (line: string) => void): void {
  let shown = 0;
  const show = () => {
    for (; shown < h.run!.lines.length; shown++) {
      const line = describe(h.run!.lines[shown]!);
      if (line) say(`handset ${h.name}: ${line}`);
    }
  };
  show();
  // Poll the collected lines: the child's reader owns the stream.
  const timer = setInterval(show, 50);
  void h.run!.exited.then(() => (show(), clearInterval(timer)));
}

function describe(e: RunEvent): string | undefined {
  switch (e.event) {
    case 'backup-start':
      return `backup start request (attempt ${e.attempt})`;
    case 'answered':
      return `answered ${e.answer}${e.reason ? ` (${e.reason})` : ''}`;
    case 'backup-committed':
      return `backup ${e.backupId} committed (${e.files} files sent); completion notice received`;
    case 'backup-failed':
      return `backup failed: ${e.code}: ${e.detail}`;
    case 'restore-applied':
      return `restore of backup ${e.backupId} applied: ${e.restored} files restored`;
    case 'disconnected':
      return `disconnected (${e.reason}); reconnecting in ${e.reconnectInSeconds} s`;
    case 'refused':
      return `the center refused a message: ${e.code}`;
    default:
      return undefined;
  }
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await task();
  return Date.now() - start;
}

/** Calls `get` until `done` says yes (twice a real second), up to the step timeout. */
async function until<T>(get: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = await get();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new PhoneSafeError('INTERNAL', `no ${what} within ${STEP_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function nextMinute(ms: number): number {
  return Math.ceil(ms / 60_000) * 60_000;
}

function roundUp(value: number, step: number): number {
  return Math.max(step, Math.ceil(value / step) * step);
}

function virtualTime(clock: Clock): string {
  return clock.now().toISOString().slice(11, 16);
}
