/** `center verify`, `center prune` and `center quota` for the CLI: open the center's storage, run the task, close. */
import { PhoneSafeError, systemClock, type Clock, type QuotaView } from '@phonesafe/protocol';
import { viewQuota } from './backup/quota.ts';
import type { CenterConfig } from './config/config.ts';
import { prune, STALE_OPEN_MS, type PruneReport } from './maintenance/prune.ts';
import { verifyStore, type MaintenanceProgress, type VerifyReport } from './maintenance/verify.ts';
import { withResources } from './resources.ts';

export type { MaintenanceProgress, PruneReport, VerifyReport };

export function runVerify(config: CenterConfig, onProgress?: MaintenanceProgress): Promise<VerifyReport> {
  return withResources(config, ({ store, blobs }) => verifyStore(store, blobs, onProgress));
}

/** Only parts older than the grace period go, so a transfer in flight keeps what it sent. */
export function runPrune(
  config: CenterConfig,
  clock: Clock = systemClock,
  options: { dryRun?: boolean; onProgress?: MaintenanceProgress } = {},
): Promise<PruneReport> {
  const now = clock.now().getTime();
  const olderThan = new Date(now - config.pruneGraceMs).toISOString();
  const staleOpenBefore = new Date(now - STALE_OPEN_MS).toISOString();
  return withResources(config, ({ store, blobs }) =>
    prune(store, blobs, { olderThan, staleOpenBefore, files: { graceMs: config.pruneGraceMs }, ...options }),
  );
}

/**
 * The operator's word on an owner's quota: `bytes` sets it, null returns the
 * owner to the center's default, undefined only shows it. The owner's own
 * limit (`pc quota --limit`) can only lower it.
 */
export function runQuota(config: CenterConfig, email: string, bytes: number | null | undefined): Promise<QuotaView> {
  return withResources(config, async ({ store }) => {
    const owner = await store.owners.findByEmail(email.toLowerCase());
    if (!owner) throw new PhoneSafeError('NOT_FOUND', `no owner ${email}`);
    if (bytes !== undefined) await store.owners.setQuotaBytes(owner.id, bytes);
    return viewQuota({ owners: store.owners, parts: store.parts, defaultBytes: config.quotaBytes }, owner.id);
  });
}
