/**
 * The scheduler tick of live-channel.md: a list of steps the capabilities
 * contribute (jobs: materialise → expire → claim; the rescue sweep;
 * forgetting old wrong tries), run in order. Each step is a transaction over
 * rows locked with SKIP LOCKED, so any number of centers can tick against one
 * database and every row is taken by one. "Now" comes from the injected
 * Clock; tests call tick() directly.
 */
import type { Clock } from '@phonesafe/protocol';
import type { Logger } from '../logging/logger.ts';

/** One step of the tick, contributed by a capability. */
export interface TickStep {
  /** The step's key in the TickReport. */
  readonly name: string;
  /** Runs the step at `now`; answers how many rows it changed. */
  run(now: Date): Promise<number>;
}

/** How many rows each step changed, by step name. */
export type TickReport = Readonly<Record<string, number>>;

export interface SchedulerDeps {
  clock: Clock;
  log: Logger;
  /** Run in this order at every tick. */
  steps: readonly TickStep[];
}

export class Scheduler {
  readonly #deps: SchedulerDeps;
  #inFlight: Promise<TickReport> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** One tick; a call while one runs joins it rather than overlapping it. */
  tick(): Promise<TickReport> {
    this.#inFlight ??= this.#tick().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  /** Ticks every `intervalMs` of real time (0: never; tests tick by hand). */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.#deps.log.error({ err: error }, 'scheduler tick failed'));
    }, intervalMs);
  }

  /** Stops ticking and waits for a tick in flight, so the store can close after. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#inFlight?.catch(() => {});
  }

  async #tick(): Promise<TickReport> {
    const now = this.#deps.clock.now();
    const report: Record<string, number> = {};
    for (const step of this.#deps.steps) report[step.name] = (report[step.name] ?? 0) + (await step.run(now));
    return report;
  }
}
