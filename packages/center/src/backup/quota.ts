/**
 * B4 and issue 8 item 10: the owner's quota on stored bytes. Stored bytes
 * count every part once (parts are shared between generations and handsets),
 * loose parts included, which is what the owner's data costs the center. The
 * operator sets an owner's quota (`center quota`, else the center's default);
 * the owner may set a lower limit of its own; the smaller is enforced.
 *
 * Checked when a backup opens (stored bytes must be below the quota) and on
 * every part upload (the new bytes must fit). One aggregate query per check;
 * uploads running at the same moment may each pass, so the quota can be
 * exceeded by at most what is in flight (a few requests of at most 8 MiB).
 */
import { PhoneSafeError, type Clock, type QuotaView } from '@phonesafe/protocol';
import type { HandsetCaller } from '../auth/caller.ts';
import type { NoticeRepo } from '../notices/notice-repo.ts';
import type { Notifier } from '../notices/notifier.ts';
import { notifyAtMostHourly } from '../notices/throttled.ts';
import type { OwnerRepo } from '../owners/owner-repo.ts';
import type { BackupHooks } from './backup-hooks.ts';
import type { BackupRepo } from './backup-repo.ts';
import type { PartRepo } from './part-repo.ts';

export interface QuotaDeps {
  owners: Pick<OwnerRepo, 'quotaBytes' | 'quotaLimitBytes' | 'setQuotaLimitBytes'>;
  parts: Pick<PartRepo, 'totalBytes'>;
  backups: Pick<BackupRepo, 'hasOpen'>;
  notices: Pick<NoticeRepo, 'lastAt'>;
  /** Told when a transfer's parts are refused (backup-hooks.ts; the running job fails at once). */
  failed: BackupHooks['failed'];
  notifier: Notifier;
  clock: Clock;
  /** The center's default, for owners the operator gave no quota. */
  defaultBytes: number;
}

export class Quota {
  readonly #deps: QuotaDeps;

  constructor(deps: QuotaDeps) {
    this.#deps = deps;
  }

  view(ownerId: string): Promise<QuotaView> {
    return viewQuota(this.#deps, ownerId);
  }

  /** The owner's own limit; it can only lower what the operator allows (`view` takes the smaller). */
  async setLimit(ownerId: string, limitBytes: number | null): Promise<QuotaView> {
    await this.#deps.owners.setQuotaLimitBytes(ownerId, limitBytes);
    return this.view(ownerId);
  }

  /** Before the center answers OK to a backup: refused (and the owner told) once the stored bytes reach the quota. */
  async checkStart(handset: HandsetCaller): Promise<void> {
    const { storedBytes, quotaBytes } = await this.view(handset.ownerId);
    if (storedBytes < quotaBytes) return;
    await this.#deps.notifier.notify({
      ownerId: handset.ownerId,
      handsetId: handset.handsetId,
      kind: 'over-quota',
      message: `backup of handset ${handset.handsetName} refused: ${storedBytes} bytes stored, quota ${quotaBytes} bytes`,
    });
    throw overQuota(storedBytes, quotaBytes);
  }

  /**
   * Before `newBytes` of parts the center does not hold are stored. A refusal
   * is the job's NG at once (the handset's transfer cannot finish), and tells
   * the owner at most hourly: a backup refused part by part would otherwise
   * leave a notice per request. A lost handset's rescue save is outside the
   * quota: its data is kept only for the rescue's retention period.
   */
  async checkUpload(handset: HandsetCaller, newBytes: number): Promise<void> {
    if (newBytes === 0) return;
    const { storedBytes, quotaBytes } = await this.view(handset.ownerId);
    if (storedBytes + newBytes <= quotaBytes) return;
    if (await this.#deps.backups.hasOpen(handset.handsetId, 'rescue')) return;
    for (const hook of this.#deps.failed) await hook({ ownerId: handset.ownerId, handsetId: handset.handsetId, reason: 'over-quota' });
    await notifyAtMostHourly(this.#deps, {
      ownerId: handset.ownerId,
      handsetId: handset.handsetId,
      kind: 'over-quota',
      message: `parts from handset ${handset.handsetName} refused: ${storedBytes} bytes stored, quota ${quotaBytes} bytes`,
    });
    throw overQuota(storedBytes, quotaBytes);
  }
}

/** What the owner stores and may store: the operator's quota (or the center's default), lowered by the owner's own limit. */
export async function viewQuota(deps: Pick<QuotaDeps, 'owners' | 'parts' | 'defaultBytes'>, ownerId: string): Promise<QuotaView> {
  const [storedBytes, own, limitBytes] = await Promise.all([
    deps.parts.totalBytes(ownerId),
    deps.owners.quotaBytes(ownerId),
    deps.owners.quotaLimitBytes(ownerId),
  ]);
  const centerQuotaBytes = own ?? deps.defaultBytes;
  return {
    storedBytes,
    quotaBytes: limitBytes === null ? centerQuotaBytes : Math.min(limitBytes, centerQuotaBytes),
    centerQuotaBytes,
    limitBytes,
  };
}

function overQuota(storedBytes: number, quotaBytes: number): PhoneSafeError {
  return new PhoneSafeError('QUOTA_EXCEEDED', `the owner stores ${storedBytes} bytes; the quota is ${quotaBytes}`, {
    storedBytes,
    quotaBytes,
  });
}
