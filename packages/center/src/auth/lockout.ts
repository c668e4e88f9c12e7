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
import type { TickStep } from '../scheduler/scheduler.ts';
import type { WrongTryRepo } from './wrong-try-repo.ts';

export const FORGET_AFTER_MS = 24 * 3600_000;

export interface LockoutDeps {
  wrongTries: Pick<WrongTryRepo, 'change'>;
  clock: Clock;
  maxTries: number;
  lockMs: number;
}

/**
 * One try reserved by `Lockout.reserve`: already counted as wrong. `locked`
 * says whether this try reached the limit and set the lock (then its owner
 * notice is due if the answer turns out wrong).
 */
export interface ReservedTry {
  readonly key: string;
  readonly locked: boolean;
  readonly lockedUntil: string | null;
}

export class Lockout {
  readonly #deps: LockoutDeps;

  constructor(deps: LockoutDeps) {
    this.#deps = deps;
  }

  /**
   * Reserves a try before the (slow) check of the secret, atomically on the
   * counter row: LOCKED while the key is locked, whatever the caller would
   * have sent; otherwise the try is counted as wrong in advance, and the one
   * that reaches `maxTries` sets the lock at once, so tries running beside
   * it are refused. At most `maxTries` secrets are ever checked per key and
   * lock period, however many arrive at the same moment on however many
   * centers. Follow with `succeeded` when the secret was right.
   */
  async reserve(key: string): Promise<ReservedTry> {
    const now = this.#deps.clock.now();
    const at = now.toISOString();
    const forgottenBefore = new Date(now.getTime() - FORGET_AFTER_MS).toISOString();
    const outcome: { refusedUntil: string | null; lockedUntil: string | null } = { refusedUntil: null, lockedUntil: null };
    await this.#deps.wrongTries.change(key, (current) => {
      if (current.lockedUntil && current.lockedUntil > at) {
        outcome.refusedUntil = current.lockedUntil;
        return current;
      }
      const earlier = current.lastFailureAt !== null && current.lastFailureAt >= forgottenBefore ? current.failures : 0;
      const failures = earlier + 1;
      if (failures < this.#deps.maxTries) return { key, failures, lockedUntil: current.lockedUntil, lastFailureAt: at };
      // Locking starts a fresh count: after the lock period the owner has maxTries again.
      outcome.lockedUntil = new Date(now.getTime() + this.#deps.lockMs).toISOString();
      return { key, failures: 0, lockedUntil: outcome.lockedUntil, lastFailureAt: at };
    });
    const { refusedUntil, lockedUntil } = outcome;
    if (refusedUntil !== null)
      throw new PhoneSafeError('LOCKED', `too many wrong tries; try again after ${refusedUntil}`, { lockedUntil: refusedUntil });
    return { key, locked: lockedUntil !== null, lockedUntil };
  }

  /**
   * The reserved try was right: it forgets the wrong ones before it. A lock
   * this try set is lifted; a lock another try set stays (that try was
   * wrong, and the tries refused meanwhile were never checked).
   */
  async succeeded(reserved: ReservedTry): Promise<void> {
    const at = this.#deps.clock.now().toISOString();
    await this.#deps.wrongTries.change(reserved.key, (current) => {
      const ownLock = reserved.locked && current.lockedUntil === reserved.lockedUntil;
      const otherLock = !ownLock && current.lockedUntil !== null && current.lockedUntil > at;
      return otherLock ? { ...current, failures: 0 } : null;
    });
  }
}

/** Deletes the counters that no longer count (see above); a step of the scheduler tick. Answers how many. */
export function forgetStaleTries(tries: Pick<WrongTryRepo, 'deleteStale'>, now: Date): Promise<number> {
  return tries.deleteStale(new Date(now.getTime() - FORGET_AFTER_MS).toISOString(), now.toISOString());
}

/** forgetStaleTries as the scheduler runs it, after the other steps. */
export function forgetTriesStep(tries: Pick<WrongTryRepo, 'deleteStale'>): TickStep {
  return { name: 'wrong-tries', run: (now) => forgetStaleTries(tries, now) };
}
