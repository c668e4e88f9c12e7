/**
 * S6's automatic triggers (sync.md "Triggers"), run by `handset run`: every
 * tick (real time) the settings' `sync` triggers are checked against the
 * handset's clock (injected: tests run it accelerated) and the changes not
 * reflected at the center. Periodic syncs both ways; every update and past
 * an amount upload. With `ask` set, nothing runs: the trigger is announced
 * once per state of the changes and waits for the owner's `handset sync`
 * (no answer is a no). A reminder of changes not reflected comes at most
 * every `remindMinutes` while no trigger takes them up. A failed sync is
 * not retried by the change triggers for a minute; the changes stay
 * pending, nothing is lost. S10: while the device is idle, a sync both ways
 * at most a minute after the last, capped by `idleMaxBytes`/`idleMaxSeconds`
 * (the rest goes at the next idle time). S11: at or below `lowBattery`
 * percent, an upload of what is not reflected (the download waits for a
 * later sync), told before, asked first, or told after (`lowBatteryNotice`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '@phonesafe/protocol';
import type { AutoReason, EventSink } from '../channel/events.ts';
import type { SyncTriggers } from '../settings/schema.ts';
import type { SyncSecrets } from './gate.ts';
import type { Syncs } from './syncs.ts';

/** After a failed automatic sync, the change triggers wait this long (by the handset's clock) before the next try. */
export const AUTO_RETRY_MS = 60_000;
const MINUTE = 60_000;

export interface Pending {
  count: number;
  bytes: number;
}

/** The device as the triggers see it (device/device-state.ts). */
export interface DeviceNow {
  idle: boolean;
  battery: number;
}

/**
 * Which trigger is due, if any: low battery first (changes not reflected go up before the battery runs out), then
 * periodic (both ways), idle (both ways, a minute after the last automatic sync), the amount, every update.
 */
export function dueTrigger(
  t: SyncTriggers,
  pending: Pending,
  device: DeviceNow,
  sinceLastMs: number,
  sinceFailureMs: number,
): AutoReason | null {
  const changes = pending.count > 0 && sinceFailureMs >= AUTO_RETRY_MS;
  if (changes && t.lowBattery !== null && device.battery <= t.lowBattery) return 'low-battery';
  if (t.everyMinutes !== null && sinceLastMs >= t.everyMinutes * MINUTE) return 'periodic';
  if (t.onIdle && device.idle && sinceLastMs >= MINUTE) return 'idle';
  if (!changes) return null;
  if ((t.thresholdCount !== null && pending.count >= t.thresholdCount) || (t.thresholdBytes !== null && pending.bytes >= t.thresholdBytes))
    return 'threshold';
  return t.onUpdate ? 'update' : null;
}

/** Whether any automatic trigger or reminder is set (else a tick reads nothing more). */
export function anyTrigger(t: SyncTriggers): boolean {
  const { everyMinutes, onUpdate, thresholdCount, thresholdBytes, remindMinutes, onIdle, lowBattery } = t;
  return (
    everyMinutes !== null ||
    onUpdate ||
    thresholdCount !== null ||
    thresholdBytes !== null ||
    remindMinutes !== null ||
    onIdle ||
    lowBattery !== null
  );
}

export interface AutoSyncDeps {
  syncs: Pick<Syncs, 'autoReady' | 'pending' | 'auto'>;
  settings: () => SyncTriggers;
  device: () => DeviceNow;
  clock: Clock;
  emit: EventSink;
  secrets: SyncSecrets;
}

export class AutoSync {
  readonly #deps: AutoSyncDeps;
  #lastSync: number;
  #lastFailure = Number.NEGATIVE_INFINITY;
  #lastRemind: number;
  #asked: string | null = null;

  constructor(deps: AutoSyncDeps) {
    this.#deps = deps;
    this.#lastSync = deps.clock.now().getTime();
    this.#lastRemind = this.#lastSync;
  }

  /** Until `signal` aborts: a tick every `tickMs` real milliseconds. */
  async run(signal: AbortSignal, tickMs: number): Promise<void> {
    while (!signal.aborted) {
      await this.tick();
      await sleep(tickMs, undefined, { signal }).catch(() => {});
    }
  }

  /** One check; at most one sync. */
  async tick(): Promise<void> {
    const { syncs, clock, emit } = this.#deps;
    const t = this.#deps.settings();
    if (!anyTrigger(t) || !syncs.autoReady()) return;
    const now = clock.now().getTime();
    const pending = syncs.pending();
    const device = this.#deps.device();
    const reason = dueTrigger(t, pending, device, now - this.#lastSync, now - this.#lastFailure);
    if (reason === null) return this.#remind(t, pending, now);
    const lowBattery = reason === 'low-battery';
    if (lowBattery ? t.lowBatteryNotice === 'ask' : t.ask) {
      const state = `${reason}:${pending.count}:${pending.bytes}`;
      if (this.#asked !== state) emit({ event: 'sync-ask', reason, pendingUp: pending.count });
      this.#asked = state;
      if (reason === 'periodic' || reason === 'idle') this.#lastSync = now;
      return;
    }
    const told = { event: 'sync-low-battery', battery: device.battery, pendingUp: pending.count } as const;
    if (lowBattery && t.lowBatteryNotice === 'before') emit({ ...told, when: 'before' });
    this.#lastSync = now;
    const limits =
      reason === 'idle' ? { maxBytes: t.idleMaxBytes, until: t.idleMaxSeconds === null ? null : now + t.idleMaxSeconds * 1000 } : undefined;
    const sync = await syncs.auto(reason, this.#deps.secrets, limits);
    // The period counts from the end of the last automatic sync, so a slow sync is never followed by another at once.
    this.#lastSync = clock.now().getTime();
    if (!sync.ok) {
      this.#lastFailure = now;
      return emit({ event: 'sync-failed', reason, code: sync.code, detail: sync.detail });
    }
    const r = sync.result;
    emit({
      event: 'sync-done',
      reason,
      number: r.number,
      uploaded: [...r.uploaded, ...r.uploadedDeletions].length,
      downloaded: [...r.downloaded, ...r.downloadedDeletions].length,
      cursor: r.cursor,
      capped: r.capped,
    });
    if (lowBattery && t.lowBatteryNotice === 'after') emit({ ...told, when: 'after' });
  }

  #remind(t: SyncTriggers, pending: Pending, now: number): void {
    if (t.remindMinutes === null || pending.count === 0 || now - this.#lastRemind < t.remindMinutes * MINUTE) return;
    this.#lastRemind = now;
    this.#deps.emit({ event: 'sync-reminder', pendingUp: pending.count });
  }
}
