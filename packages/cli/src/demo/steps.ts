/**
 * The demo's story, step by step (see scenario.ts for what it shows). Each
 * step is one stretch of the narration; every number in the summary is
 * counted from what the processes reported.
 */
import { join } from 'node:path';
import { PhoneSafeError, type Notice } from '@phonesafe/protocol';
import type { RunEvent } from '../run-events.ts';
import { sameDigest, treeDigest, writeDemoTree } from './data.ts';
import { narrateRun } from './narrate.ts';
import type { LineChild } from './processes.ts';
import type { Context, HandsetChild, Handsets } from './world.ts';
import { scheduleFromPc, type Retry } from './schedule-step.ts';
import { STEP_TIMEOUT_MS, timed, until } from './timing.ts';

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

export const OWNER = 'demo-owner@example.org';

type Committed = Extract<RunEvent, { event: 'backup-committed' }>;

export async function scenario(ctx: Context): Promise<DemoSummary> {
  const virtualStart = ctx.clock.now().getTime();
  const center = await startCenter(ctx);
  const { handsets, slowest } = await enrollHandsets(ctx);
  const srcA = await prepareHandsets(ctx, handsets);
  await startRuns(ctx, handsets);
  const retryC = await scheduleFromPc(ctx, handsets, slowest);
  const { committed, notices } = await awaitOutcome(ctx, handsets, retryC);
  const { applied, identical } = await restoreToB(ctx, handsets, committed, srcA);
  await stopAll(ctx, handsets, center);

  const events = [handsets.A, handsets.B, handsets.C].flatMap((h) => h.run!.lines);
  const count = (f: (e: RunEvent) => boolean) => events.filter(f).length;
  return {
    backups: count((e) => e.event === 'backup-committed'),
    retries: count((e) => e.event === 'backup-start' && e.attempt > 1),
    ng: count((e) => e.event === 'answered' && e.answer === 'NG'),
    gaveUp: notices.filter((n) => n.kind === 'backup-failed').length,
    restoredItems: applied.event === 'restore-applied' ? applied.restored : 0,
    identical,
    requests: count((e) => e.event === 'backup-start'),
    notices: notices.length,
    factor: ctx.factor,
    wallSeconds: Math.round((Date.now() - ctx.realStart) / 100) / 10,
    virtualMinutes: Math.round((ctx.clock.now().getTime() - virtualStart) / 60_000),
  };
}

/** 1. The center, on a free loopback port. */
async function startCenter(ctx: Context): Promise<LineChild<{ url?: string }>> {
  const center = ctx.children.start<{ url?: string }>('center', [
    'center',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--data',
    join(ctx.root, 'center'),
    '--json',
  ]);
  const { url } = await center.waitFor((l) => typeof l.url === 'string', 'listening URL', STEP_TIMEOUT_MS);
  ctx.env.PHONESAFE_CENTER = url!;
  ctx.say(`center started: ${url} (phonesafe center --port 0)`);
  return center;
}

/** 2. Three handsets of one owner; answers how long the slowest enrollment took (real ms), to pace the schedule. */
async function enrollHandsets(ctx: Context): Promise<{ handsets: Handsets; slowest: number }> {
  const { children, root, say } = ctx;
  const url = ctx.env.PHONESAFE_CENTER!;
  // A and C get data; B stays empty (a replacement handset).
  const handsets = Object.fromEntries(
    ['A', 'B', 'C'].map((name) => [name, { name, dir: join(root, `handset-${name}`) }]),
  ) as unknown as Handsets;
  const { A, B, C } = handsets;
  const enroll = (h: HandsetChild) =>
    children.json(['handset', 'enroll', '--center', url!, '--owner', OWNER, '--name', h.name, '--data', h.dir]);
  let slowest = await timed(() => enroll(A));
  slowest = Math.max(slowest, ...(await Promise.all([B, C].map((h) => timed(() => enroll(h))))));
  say(`enrolled handsets A, B and C of ${OWNER} (phonesafe handset enroll)`);
  return { handsets, slowest };
}

/** B1 settings on every handset, and a generated tree imported into A and C; answers A's source tree. */
async function prepareHandsets(ctx: Context, handsets: Handsets): Promise<string> {
  const { children, root, say } = ctx;
  const { A, B, C } = handsets;
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
  return srcA;
}

/** 3. Each handset keeps its live channel open (phonesafe handset run). */
async function startRuns(ctx: Context, handsets: Handsets): Promise<void> {
  const { children, say } = ctx;
  const { A, B, C } = handsets;
  for (const h of [A, B, C]) h.run = children.start<RunEvent>(`handset ${h.name}`, ['handset', 'run', '--data', h.dir, '--json']);
  await Promise.all([A, B, C].map((h) => h.run!.waitFor((e) => e.event === 'connected', 'connection to the center', STEP_TIMEOUT_MS)));
  say('handsets A, B and C run and hold their live channel to the center (phonesafe handset run)');
  for (const h of [A, B, C]) narrateRun(h, say);
}

/** 5. Wait: A commits a backup after NG then OK; C answers NG every time until the center gives up. */
async function awaitOutcome(ctx: Context, handsets: Handsets, retryC: Retry): Promise<{ committed: Committed; notices: Notice[] }> {
  const { children, say } = ctx;
  const { A, C } = handsets;
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
  if (committed.event !== 'backup-committed') throw new Error('unreachable');
  return { committed, notices: notices.notices };
}

/** 6. Restore A's backup to B from the pc: delivered over B's channel at once; B's export compared with A's source. */
async function restoreToB(
  ctx: Context,
  handsets: Handsets,
  committed: Committed,
  srcA: string,
): Promise<{ applied: RunEvent; identical: boolean }> {
  const { children, root, say } = ctx;
  const { B } = handsets;
  await children.json(['pc', 'restore', '--backup', committed.backupId, '--to', 'B', '--overwrite', 'yes']);
  say(`pc restore --backup ${committed.backupId} --to B: the order is pushed over B's live channel`);
  const applied = await B.run!.waitFor((e) => e.event === 'restore-applied', 'restore applied', STEP_TIMEOUT_MS);
  const exportB = join(root, 'export-B');
  await children.json(['handset', 'export', '--data', B.dir, exportB]);
  const [want, got] = await Promise.all([treeDigest(srcA), treeDigest(exportB)]);
  const identical = sameDigest(want, got);
  say(`exported B and compared it with A's source by SHA-256: ${Object.keys(got).length} files, ${identical ? 'identical' : 'DIFFERENT'}`);
  return { applied, identical };
}

/** 7. Stop everything cleanly. */
async function stopAll(ctx: Context, handsets: Handsets, center: LineChild<{ url?: string }>): Promise<void> {
  const { A, B, C } = handsets;
  const stops = await Promise.all([A, B, C].map((h) => h.run!.stop()));
  const centerStop = await center.stop();
  const unclean = [...stops.map((r, i) => [[A, B, C][i]!.name, r] as const), ['center', centerStop] as const].filter(
    ([, r]) => r.code !== 0,
  );
  ctx.say(
    unclean.length === 0
      ? 'stopped the handsets and the center (SIGTERM): all exited cleanly'
      : `stopped; not clean: ${unclean.map(([n, r]) => `${n} (exit ${r.code})`).join(', ')}`,
  );
}
