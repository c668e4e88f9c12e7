/**
 * A worker process of the scale benchmark: many virtual handsets, each a real
 * `HandsetAgent` with its own data directory, its own HTTP client and its own
 * live-channel WebSocket to the center. Driven by run.ts over IPC (see
 * messages.ts): set up (enrol, import contacts, start `run`), register the
 * schedule, report channel events as they happen, stop.
 *
 *   started by run.ts with child_process.fork; not meant to be run by hand.
 */
import { rmSync } from 'node:fs';
import { HandsetAgent, type ChannelEvent } from '@phonesafe/handset';
import { forEachConcurrent } from '@phonesafe/protocol';
import { clockFromSpec } from '@phonesafe/protocol/node';
import { writeContacts } from './contacts.ts';
import { wallNow, type FromWorker, type HandsetEvent, type HandsetPlan, type ToWorker } from './messages.ts';

interface Running {
  plan: HandsetPlan;
  agent: HandsetAgent;
  run: Promise<void>;
  /** Start requests received without a completed backup since. */
  waiting: boolean;
  /** The last channel event, for the report on handsets that never finished. */
  last: string;
}

const stop = new AbortController();
const running: Running[] = [];
/** How long `stop` waits for backups in flight before the worker exits anyway. */
const STOP_GRACE_MS = 20_000;

function send(message: FromWorker): void {
  process.send?.(message);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${(error as { code?: string }).code ? `${(error as { code?: string }).code}: ` : ''}${error.message}`;
  return String(error);
}

/** The parent's view of a channel event, or undefined for events it does not count. */
function eventOf(e: ChannelEvent): HandsetEvent | undefined {
  switch (e.event) {
    case 'backup-start':
      return { kind: 'request', attempt: e.attempt, jobId: e.jobId };
    case 'answered':
      return { kind: 'answered', answer: e.answer, reason: e.reason, jobId: e.jobId };
    case 'backup-committed':
      return { kind: 'done', jobId: e.jobId ?? '', backupId: e.backupId, sentBytes: e.sentBytes, files: e.files };
    case 'backup-failed':
      return { kind: 'failed', jobId: e.jobId ?? '', code: e.code, detail: e.detail };
    case 'disconnected':
      return { kind: 'disconnected', reason: e.reason };
    case 'refused':
      return { kind: 'refused', code: e.code, detail: e.detail };
    default:
      return undefined;
  }
}

async function setUp(msg: Extract<ToWorker, { type: 'setup' }>): Promise<void> {
  const t0 = performance.now();
  const clock = clockFromSpec(msg.clockSpec);
  const failures: Array<{ name: string; error: string }> = [];
  let ready = 0;
  let contactBytes = 0;
  let lastReport = 0;
  await forEachConcurrent(msg.handsets, msg.concurrency, async (plan) => {
    try {
      const source = `${plan.dir}.src`;
      contactBytes += writeContacts(source, plan.index, msg.contacts);
      const agent = await HandsetAgent.open(plan.dir, { clock });
      // Off until the parent picks the minute; set before enrolment, so enrolment registers "none".
      await agent.setSetting('triggers.schedule', 'none');
      await agent.enroll({ center: msg.url, owner: plan.owner, password: msg.password, name: plan.name });
      await agent.importTree(source);
      rmSync(source, { recursive: true, force: true });
      let onConnected = () => {};
      const connected = new Promise<void>((resolve) => (onConnected = resolve));
      const entry: Running = { plan, agent, run: Promise.resolve(), waiting: false, last: '' };
      const run = agent.run({
        signal: stop.signal,
        onEvent: (e) => {
          if (e.event === 'connected') onConnected();
          if (e.event === 'backup-start') entry.waiting = true;
          if (e.event === 'backup-committed') entry.waiting = false;
          entry.last = e.event;
          const event = eventOf(e);
          if (event) send({ type: 'event', h: plan.index, at: wallNow(), event });
        },
      });
      run.catch(() => undefined);
      entry.run = run;
      running.push(entry);
      await connected;
      ready++;
      if (performance.now() - lastReport > 2000) {
        lastReport = performance.now();
        send({ type: 'setup-progress', ready });
      }
    } catch (error) {
      failures.push({ name: plan.name, error: errorText(error) });
    }
  });
  send({ type: 'setup-progress', ready });
  send({ type: 'ready', ms: performance.now() - t0, contactBytes, failures });
}

async function schedule(value: string): Promise<void> {
  const failures: Array<{ name: string; error: string }> = [];
  const nextRunAts = new Set<string>();
  let registered = 0;
  await forEachConcurrent(running, 16, async ({ plan, agent }) => {
    try {
      const update = await agent.setSetting('triggers.schedule', value);
      const reg = update.schedule;
      if (reg?.registered) {
        registered++;
        nextRunAts.add(String(reg.nextRunAt));
      } else failures.push({ name: plan.name, error: reg ? `${reg.code}: ${reg.detail}` : 'schedule unchanged, not registered' });
    } catch (error) {
      failures.push({ name: plan.name, error: errorText(error) });
    }
  });
  send({ type: 'scheduled', registered, nextRunAts: [...nextRunAts], failures });
}

async function shutDown(): Promise<void> {
  // Before stopping: where the handsets that never finished stand (local state only, no request).
  const stuck = running
    .filter((r) => r.waiting)
    .map((r) => {
      const status = r.agent.status();
      return {
        name: r.plan.name,
        lastEvent: r.last,
        pendingParts: status.pendingParts,
        pendingVersions: status.pendingVersions,
        lastBackup: status.lastBackup?.backupId ?? null,
      };
    });
  stop.abort();
  const all = Promise.allSettled(running.map((r) => r.run));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    all.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_GRACE_MS))),
  ]);
  clearTimeout(timer);
  let unfinished = 0;
  if (!timedOut) await Promise.allSettled(running.map((r) => r.agent.close()));
  else unfinished = running.length;
  const cpu = process.cpuUsage();
  send({ type: 'stopped', peakRssKiB: process.resourceUsage().maxRSS, cpuSeconds: (cpu.user + cpu.system) / 1e6, unfinished, stuck });
  process.disconnect?.();
  // Sockets of agents that did not finish may hold the loop open.
  setTimeout(() => process.exit(0), 1000).unref();
}

process.on('message', (raw) => {
  const msg = raw as ToWorker;
  const task = msg.type === 'setup' ? setUp(msg) : msg.type === 'schedule' ? schedule(msg.value) : shutDown();
  task.catch((error: unknown) => send({ type: 'error', error: errorText(error) }));
});
// The parent went away (killed, crashed): nothing to report to, so go too.
process.on('disconnect', () => {
  if (!stop.signal.aborted) process.exit(1);
});
