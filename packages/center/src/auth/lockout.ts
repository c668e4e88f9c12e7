/**
 * Wrong-try counting for secrets a person types: the rescue desk's code and
 * control numbers (rescue.md, Lockout) and the owner's password at login.
 * `maxTries` wrong tries in a row for one key lock it for `lockMs`. Keys are
 * counted whether or not the phone number or e-mail address is registered,
 * so a lock says nothing about registration. The counter lives in the
 * database, so every center sharing it counts the same tries.
 *
 * Wrong tries are forgotten FORGET_AFTER_MS after the last one: an owner who
 * mistypes once a month is never locked for it, and the counters that anyone
 * guessing leaves behind can be deleted (forgetStaleTries, a scheduler
 * step) without changing any answer. The window is long next to the lock,
 * so a guesser spreading tries out still gets only a few a day.
 */
import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import type { WrongTryRepo } from '../store/store.ts';

export const FORGET_AFTER_MS = 24 * 3600_000;

export interface LockoutDeps {
  tries: WrongTryRepo;
  clock: Clock;
  maxTries: number;
  lockMs: number;
}

export class Lockout {
  readonly #deps: LockoutDeps;

  constructor(deps: LockoutDeps) {
    this.#deps = deps;
  }

  /** Throws LOCKED while the key is locked, whatever the caller would have sent. */
  async assertOpen(key: string): Promise<void> {
    const row = await this.#deps.tries.find(key);
    if (row?.lockedUntil && row.lockedUntil > this.#deps.clock.now().toISOString()) {
      throw new PhoneSafeError('LOCKED', `too many wrong tries; try again after ${row.lockedUntil}`, { lockedUntil: row.lockedUntil });
    }
  }

  /** Counts a wrong try; answers true when this try locked the key. */
  async failed(key: string): Promise<boolean> {
    const now = this.#deps.clock.now();
    let locked = false;
    const at = now.toISOString();
    const forgottenBefore = new Date(now.getTime() - FORGET_AFTER_MS).toISOString();
    await this.#deps.tries.change(key, (current) => {
      const earlier = current.lastFailureAt !== null && current.lastFailureAt >= forgottenBefore ? current.failures : 0;
      const failures = earlier + 1;
      locked = failures >= this.#deps.maxTries;
      // Locking starts a fresh count: after the lock period the owner has maxTries again.
      return locked
        ? { key, failures: 0, lockedUntil: new Date(now.getTime() + this.#deps.lockMs).toISOString(), lastFailureAt: at }
        : { key, failures, lockedUntil: current.lockedUntil, lastFailureAt: at };
    });
    return locked;
  }

  /** A right answer forgets the wrong ones before it. */
  async succeeded(key: string): Promise<void> {
    await this.#deps.tries.delete(key);
  }
}

/** Deletes the counters that no longer count (see above); a step of the scheduler tick. Answers how many. */
export function forgetStaleTries(tries: Pick<WrongTryRepo, 'deleteStale'>, now: Date): Promise<number> {
  return tries.deleteStale(new Date(now.getTime() - FORGET_AFTER_MS).toISOString(), now.toISOString());
}
