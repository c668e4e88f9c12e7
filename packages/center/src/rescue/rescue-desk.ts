/** Wires the rescue desk's parts over one store, so app.ts stays a list of capabilities. */
import type { Clock } from '@phonesafe/protocol';
import type { RescuePolicy } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import type { Notifier } from '../notices/notifier.ts';
import type { PushBus } from '../push/push-bus.ts';
import type { RestoreService } from '../restore/restore-service.ts';
import type { Store } from '../store/store.ts';
import { Lockout } from '../auth/lockout.ts';
import { RescueGate } from './rescue-gate.ts';
import { RescueService } from './rescue-service.ts';
import { RescueSweep } from './rescue-sweep.ts';
import { RescueTransfer } from './rescue-transfer.ts';

export interface RescueDeskDeps {
  store: Store;
  restores: Pick<RestoreService, 'start'>;
  notifier: Notifier;
  bus: Pick<PushBus, 'publish'>;
  clock: Clock;
  log: Logger;
  policy: RescuePolicy;
}

export interface RescueDesk {
  desk: RescueService;
  transfer: RescueTransfer;
  sweep: RescueSweep;
}

export function buildRescueDesk(deps: RescueDeskDeps): RescueDesk {
  const { store, notifier, clock, policy } = deps;
  const lockout = new Lockout({ tries: store.wrongTries, clock, maxTries: policy.maxTries, lockMs: policy.lockMs });
  const gate = new RescueGate({
    codes: store.rescueCodes,
    rescues: store.rescues,
    audit: store.rescueAudit,
    notifier,
    clock,
    lockout,
    lockMs: policy.lockMs,
  });
  const transfer = new RescueTransfer({
    rescues: store.rescues,
    handsets: store.handsets,
    audit: store.rescueAudit,
    notifier,
    bus: deps.bus,
    clock,
    log: deps.log,
    retentionMs: policy.retentionMs,
  });
  const desk = new RescueService({
    gate,
    transfer,
    rescues: store.rescues,
    codes: store.rescueCodes,
    handsets: store.handsets,
    audit: store.rescueAudit,
    restores: deps.restores,
    clock,
    windowMs: policy.windowMs,
  });
  const sweep = new RescueSweep({
    rescues: store.rescues,
    audit: store.rescueAudit,
    history: store.history,
    notifier,
    clock,
    warnMs: policy.warnMs,
  });
  return { desk, transfer, sweep };
}
