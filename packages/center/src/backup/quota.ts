import { PhoneSafeError } from '@phonesafe/protocol';
import type { HandsetCaller } from '../auth/caller.ts';
import type { Notifier } from '../notices/notifier.ts';
import type { OwnerRepo, PartRepo } from '../store/store.ts';

export interface QuotaDeps {
  owners: Pick<OwnerRepo, 'quotaBytes'>;
  parts: Pick<PartRepo, 'totalBytes'>;
  notifier: Notifier;
  /** The center's default, for owners without their own quota. */
  defaultBytes: number;
}

/**
 * B4: the center checks the owner's quota before it answers OK to a backup.
 * Stored bytes count every part once (parts are shared between generations
 * and handsets), which is what the owner's data costs the center.
 */
export async function checkQuota(deps: QuotaDeps, handset: HandsetCaller): Promise<void> {
  const [stored, own] = await Promise.all([deps.parts.totalBytes(handset.ownerId), deps.owners.quotaBytes(handset.ownerId)]);
  const quota = own ?? deps.defaultBytes;
  if (stored < quota) return;
  await deps.notifier.notify({
    ownerId: handset.ownerId,
    handsetId: handset.handsetId,
    kind: 'over-quota',
    message: `backup of handset ${handset.handsetName} refused: ${stored} bytes stored, quota ${quota} bytes`,
  });
  throw new PhoneSafeError('QUOTA_EXCEEDED', `the owner stores ${stored} bytes; the quota is ${quota}`, { storedBytes: stored, quotaBytes: quota });
}
