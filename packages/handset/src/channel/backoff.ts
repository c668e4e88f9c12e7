/**
 * Reconnect delays (docs/design/live-channel.md): 1 s doubling to 60 s, each
 * spread by ±20 % so that handsets dropped together by a restarting center do
 * not all come back in the same instant. Injectable for tests.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Fraction of the delay by which it may vary either way. */
  jitter: number;
  /** A number in [0, 1). */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 60_000, jitter: 0.2, random: Math.random };

export class Backoff {
  readonly #options: BackoffOptions;
  #failures = 0;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.#options = { ...DEFAULT_BACKOFF, ...options };
  }

  /** The delay before the next attempt; each call doubles the next one, up to the maximum. */
  next(): number {
    const { initialMs, maxMs, jitter, random } = this.#options;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.#failures, 30));
    this.#failures++;
    return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
  }

  /** After a connection that opened: the next drop starts again from the initial delay. */
  reset(): void {
    this.#failures = 0;
  }
}

/** Waits `ms`, or less if `signal` aborts first; never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
