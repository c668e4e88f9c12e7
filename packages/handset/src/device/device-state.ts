import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import type { HandsetDb } from '../db/database.ts';

/**
 * The virtual handset's physical state, in handset.db so that every process
 * on the same data directory sees it: `phonesafe handset busy` in one shell
 * makes the `handset run` in another answer NG operating.
 */
export interface DeviceState {
  /** The owner is operating the handset until then (B3 [0050]: NG while the user operates it). */
  busyUntil: string | null;
  /** Percent, 0-100. */
  battery: number;
  /** No app work and no input for a while (seed 002 S10). */
  idle: boolean;
  /** Signal bars, 0 (none) to 4 (full); the V16 "signal improves" recovery trigger watches it. */
  signal: number;
}

/** What `handset state` may change. */
export type DeviceChange = Partial<Pick<DeviceState, 'battery' | 'idle' | 'signal'>>;

export class DeviceStateTable {
  readonly #db: HandsetDb;
  readonly #clock: Clock;

  constructor(db: HandsetDb, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  get(): DeviceState {
    const row = this.#db.get<{ busy_until: string | null; battery: number; idle: number; signal: number }>(
      'SELECT busy_until, battery, idle, signal FROM device_state WHERE id = 1',
    );
    if (!row) throw new PhoneSafeError('LOCAL_IO', 'handset.db has no device state row');
    return { busyUntil: row.busy_until, battery: row.battery, idle: row.idle === 1, signal: row.signal };
  }

  /** Marks the owner operating for `forMs` from now (by the agent's clock); 0 ends it. */
  setBusy(forMs: number): void {
    if (!Number.isFinite(forMs) || forMs < 0)
      throw new PhoneSafeError('USAGE', `busy time must be a non-negative number of milliseconds, not ${forMs}`);
    const until = forMs === 0 ? null : new Date(this.#clock.now().getTime() + forMs).toISOString();
    this.#db.run('UPDATE device_state SET busy_until = ? WHERE id = 1', until);
  }

  isOperating(): boolean {
    const { busyUntil } = this.get();
    return busyUntil !== null && new Date(busyUntil).getTime() > this.#clock.now().getTime();
  }

  set(change: DeviceChange): void {
    if (change.battery !== undefined) {
      if (!Number.isInteger(change.battery) || change.battery < 0 || change.battery > 100) {
        throw new PhoneSafeError('USAGE', `battery must be a whole percent from 0 to 100, not ${change.battery}`);
      }
      this.#db.run('UPDATE device_state SET battery = ? WHERE id = 1', change.battery);
    }
    if (change.idle !== undefined) this.#db.run('UPDATE device_state SET idle = ? WHERE id = 1', change.idle ? 1 : 0);
    if (change.signal !== undefined) {
      if (!Number.isInteger(change.signal) || change.signal < 0 || change.signal > 4) {
        throw new PhoneSafeError('USAGE', `signal must be a whole number of bars from 0 to 4, not ${change.signal}`);
      }
      this.#db.run('UPDATE device_state SET signal = ? WHERE id = 1', change.signal);
    }
  }
}
