/** `center verify` and `center prune` for the CLI: open the center's storage, run the task, close. */
import { systemClock, type Clock } from '@phonesafe/protocol';
import type { CenterConfig } from './config/config.ts';
import { prune, STALE_OPEN_MS, type PruneReport } from './maintenance/prune.ts';
import { verifyStore, type VerifyReport } from './maintenance/verify.ts';
import { withResources } from './resources.ts';

export type { PruneReport, VerifyReport };

export function runVerify(config: CenterConfig): Promise<VerifyReport> {
  return withResources(config, ({ store, blobs }) => verifyStore(store, blobs));
}

/** Only parts older than the grace period go, so a transfer in flight keeps what it sent. */
export function runPrune(config: CenterConfig, clock: Clock = systemClock): Promise<PruneReport> {
  const now = clock.now().getTime();
  const olderThan = new Date(now - config.pruneGraceMs).toISOString();
  const staleOpenBefore = new Date(now - STALE_OPEN_MS).toISOString();
  return withResources(config, ({ store, blobs }) => prune(store, blobs, { olderThan, staleOpenBefore, files: { graceMs: config.pruneGraceMs } }));
}
