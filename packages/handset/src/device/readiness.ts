import type { NgReason } from '@phonesafe/protocol';
import type { DeviceState } from './device-state.ts';

export type Readiness = { ok: true } | { ok: false; reason: NgReason };

export interface ReadinessInputs {
  writing: boolean;
  operating: boolean;
  state: DeviceState;
  batteryMin: number;
}

/**
 * Can the handset start a backup the center asked for? (B3, seed 001 [0050].)
 * Checked in this order, so the answer names the first cause the owner can
 * act on: a save still writing the backup area (the copy would be half made),
 * the owner operating the handset, a battery below the setting, not idle.
 */
export function readinessOf(inputs: ReadinessInputs): Readiness {
  if (inputs.writing) return { ok: false, reason: 'writing-backup-area' };
  if (inputs.operating) return { ok: false, reason: 'operating' };
  if (inputs.state.battery < inputs.batteryMin) return { ok: false, reason: 'battery-low' };
  if (!inputs.state.idle) return { ok: false, reason: 'not-idle' };
  return { ok: true };
}
