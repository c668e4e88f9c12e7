/** The one source of time. Inject it wherever time matters; tests drive a ManualClock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told; for tests and accelerated demos. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
  set(to: Date | string): void {
    this.#ms = new Date(to).getTime();
  }
}

/**
 * Virtual time running `factor` times faster than real time from a shared
 * origin, so several processes (center and handsets in the demo) agree on
 * "now" without talking. Configured by PHONESAFE_CLOCK=scaled:<originMs>:<factor>.
 */
export class ScaledClock implements Clock {
  readonly #realOrigin: number;
  readonly #virtualOrigin: number;
  readonly #factor: number;
  readonly #realNow: () => number;

  constructor(options: { realOrigin: number; virtualOrigin: number; factor: number; realNow?: () => number }) {
    this.#realOrigin = options.realOrigin;
    this.#virtualOrigin = options.virtualOrigin;
    this.#factor = options.factor;
    this.#realNow = options.realNow ?? Date.now;
  }

  now(): Date {
    return new Date(this.#virtualOrigin + (this.#realNow() - this.#realOrigin) * this.#factor);
  }

  /** Real milliseconds until virtual `ms` have passed. */
  realMs(ms: number): number {
    return ms / this.#factor;
  }
}

/** What PHONESAFE_CLOCK may say (protocol/node clockFromSpec reads it): `scaled:<originMs>:<factor>` or `file:<path>`. */
export const CLOCK_SPEC = /^(scaled:\d+:\d+(\.\d+)?|file:.+)$/;
