/**
 * Long-running `phonesafe handset run --json` processes for the live-channel
 * tests: their event lines are collected, and a test waits for the event it
 * needs (never for a time).
 */
import { strict as assert } from 'node:assert';
import { createInterface } from 'node:readline';
import type { TestContext } from 'node:test';
import { clockFromSpec, type Clock, type ScheduleView } from '@phonesafe/protocol';
import type { RunEvent } from '../../src/run-events.ts';
import { cliJson, finished, spawnCli, type CliResult, type Env } from './cli.ts';

export type { RunEvent };

export interface RunningHandset {
  events: RunEvent[];
  /** The first event (already seen or still to come) that matches. */
  next(match: (e: RunEvent) => boolean, what: string): Promise<RunEvent>;
  /** SIGTERM and wait: `handset run` must end cleanly. */
  stop(): Promise<CliResult>;
  /** Waits for `handset run` to end by itself (e.g. once its credential is revoked). */
  ended(): Promise<CliResult>;
}

export function runHandset(t: TestContext, dir: string, env: Env): RunningHandset {
  const child = spawnCli(['handset', 'run', '--data', dir, '--json'], env);
  const done = finished(child);
  const events: RunEvent[] = [];
  const waiters: { match: (e: RunEvent) => boolean; resolve: (e: RunEvent) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as RunEvent;
    events.push(event);
    for (const w of waiters.splice(0)) {
      if (w.match(event)) w.resolve(event);
      else waiters.push(w);
    }
  });
  const end = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return done;
  };
  t.after(() => end('SIGKILL'));
  return {
    events,
    next(match, what) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void done.then((r) =>
          reject(new Error(`handset run exited (${r.code}) before ${what}: ${r.stderr}\nevents: ${JSON.stringify(events)}`)),
        );
      });
    },
    stop: () => end('SIGTERM'),
    ended: () => done,
  };
}

/** An accelerated clock shared by every process of a test (`factor` virtual seconds per real second). */
export function scaledClock(factor: number): { spec: string; clock: Clock } {
  const spec = `scaled:${Date.now()}:${factor}`;
  return { spec, clock: clockFromSpec(spec) };
}

/**
 * `pc schedule --handset NAME --daily HH:MM` for the first whole virtual
 * minute at least `leadMinutes` ahead. A slow machine may pass that minute
 * before the center has the schedule (it then plans tomorrow's): try a later one.
 */
export async function scheduleSoon(
  env: Env,
  clock: Clock,
  handset: string,
  retry: readonly string[],
  leadMinutes = 2,
): Promise<ScheduleView> {
  for (let lead = leadMinutes; lead < leadMinutes + 30; lead += 5) {
    const slot = Math.ceil((clock.now().getTime() + lead * 60_000) / 60_000) * 60_000;
    const view = await cliJson<ScheduleView>(
      ['pc', 'schedule', '--handset', handset, '--daily', new Date(slot).toISOString().slice(11, 16), ...retry],
      env,
    );
    if (view.nextRunAt && new Date(view.nextRunAt).getTime() === slot) return view;
  }
  assert.fail('could not set a schedule ahead of the virtual clock');
}
