import type { Clock } from '@phonesafe/protocol';

export interface RateLimit {
  /** Messages a socket may send at once. */
  burst: number;
  /** Messages a second it may send over time. */
  perSecond: number;
}

/**
 * A token bucket per channel socket (live-channel.md, Rate limit): `burst`
 * tokens, refilled at `perSecond` on the center's clock; each message takes
 * one. A handset speaking the protocol sends a few messages a minute, so only
 * a flood ever empties it.
 */
export class TokenBucket {
  readonly #limit: RateLimit;
  readonly #clock: Clock;
  #tokens: number;
  #at: number;

  constructor(limit: RateLimit, clock: Clock) {
    this.#limit = limit;
    this.#clock = clock;
    this.#tokens = limit.burst;
    this.#at = clock.now().getTime();
  }

  /** Takes a token; false when none is left. */
  take(): boolean {
    const now = this.#clock.now().getTime();
    // A clock that went back refills nothing rather than draining the bucket.
    const elapsed = Math.max(0, now - this.#at);
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + (elapsed / 1000) * this.#limit.perSecond);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
