import type { NgReason } from '@phonesafe/protocol';
import type { HandsetContext } from '../context.ts';
import type { DeviceChange, DeviceState } from './device-state.ts';
import { readinessOf, type Readiness } from './readiness.ts';

/** The virtual device as readiness sees it: its state, and whether a save is writing the backup area. */
export type DeviceView = DeviceState & { writing: boolean };

/** The device with the answer a backup start request would get now (the CLI's `handset busy` and `handset state`). */
export type DeviceReport = DeviceView & { operating: boolean; answer: 'OK' | 'NG'; reason: NgReason | null };

/** The virtual handset's physical side: busy, battery, idle, and the B3 readiness answer they make. */
export class Device {
  readonly #ctx: Pick<HandsetContext, 'device' | 'writers' | 'settings'>;

  constructor(ctx: Pick<HandsetContext, 'device' | 'writers' | 'settings'>) {
    this.#ctx = ctx;
  }

  /** The owner operates the handset for `forMs` (by the agent's clock); 0 ends it. Seen by every process on this data directory. */
  setBusy(forMs: number): void {
    this.#ctx.device.setBusy(forMs);
  }

  set(change: DeviceChange): void {
    this.#ctx.device.set(change);
  }

  view(): DeviceView {
    return { ...this.#ctx.device.get(), writing: this.#ctx.writers.writing() };
  }

  /** Whether the handset would answer a center's backup start request OK, or NG and why (B3). */
  readiness(): Readiness {
    return readinessOf({
      writing: this.#ctx.writers.writing(),
      operating: this.#ctx.device.isOperating(),
      state: this.#ctx.device.get(),
      batteryMin: this.#ctx.settings.get().batteryMin,
    });
  }

  /** `operating` by the agent's clock, as readiness decides it. */
  report(): DeviceReport {
    const readiness = this.readiness();
    return {
      ...this.view(),
      operating: this.#ctx.device.isOperating(),
      answer: readiness.ok ? 'OK' : 'NG',
      reason: readiness.ok ? null : readiness.reason,
    };
  }
}
