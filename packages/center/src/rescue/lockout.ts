/**
 * Wrong-try counting (rescue.md, Lockout): `maxTries` wrong tries in a row for
 * one key lock it for `lockMs`. Keys exist whether or not the phone number is
 * registered, so a lock says nothing about registration. The counter lives
 * in the database, so every center sharing it counts the same tries.
 */
import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import type { RescueCodeRepo } from '../store/store.ts';

export interface LockoutDeps {
  attempts: Pick<RescueCodeRepo, 'findAttempt' | 'changeAttempt' | 'deleteAttempt'>;
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
    const row = await this.#deps.attempts.findAttempt(key);
    if (row?.lockedUntil && row.lockedUntil > this.#deps.clock.now().toISOString()) {
      throw new PhoneSafeError('LOCKED', `too many wrong tries; try again after ${row.lockedUntil}`, { lockedUntil: row.lockedUntil });
    }
  }

  /** Counts a wrong try; answers true when this try locked the key. */
  async failed(key: string): Promise<boolean> {
    const now = this.#deps.clock.now();
    let locked = false;
    await this.#deps.attempts.changeAttempt(key, (current) => {
      const failures = current.failures + 1;
      locked = failures >= this.#deps.maxTries;
      // Locking starts a fresh count: after the lock period the owner has maxTries again.
      return locked
        ? { key, failures: 0, lockedUntil: new Date(now.getTime() + this.#deps.lockMs).toISOString() }
        : { key, failures, lockedUntil: current.lockedUntil };
    });
    return locked;
  }

  /** A right answer forgets the wrong ones before it. */
  async succeeded(key: string): Promise<void> {
    await this.#deps.attempts.deleteAttempt(key);
  }
}

export const codeKey = (phone: string) => `code:${phone}`;
export const controlKey = (phone: string) => `control:${phone}`;
