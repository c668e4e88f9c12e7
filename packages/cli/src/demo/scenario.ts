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
import { clockFromSpec } from '@phonesafe/protocol/node';
import { formatDuration } from '../duration.ts';
import { Children, type Env } from './processes.ts';
import { OWNER, scenario, type DemoSummary } from './steps.ts';
import { virtualTime } from './timing.ts';

export type { DemoSummary } from './steps.ts';

export interface DemoOptions {
  /** Virtual seconds per real second. */
  factor: number;
  /** Keep the temporary directory (its path is narrated). */
  keep: boolean;
  /** Receives each narration line. */
  say: (line: string) => void;
  /** PATH for the child processes (the CLI's env.ts). */
  path: string;
}

const PASSWORD = 'phonesafe demo: correct horse battery staple';

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const realStart = Date.now();
  const spec = `scaled:${realStart}:${options.factor}`;
  const clock = clockFromSpec(spec);
  const root = await mkdtemp(join(tmpdir(), 'phonesafe-demo-'));
  const env: Env = {
    PATH: options.path,
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
    options.say(
      `PhoneSafe demo: backups the center starts on a schedule (a busy handset answers NG, a retry, a give-up) and a restore to another handset`,
    );
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
