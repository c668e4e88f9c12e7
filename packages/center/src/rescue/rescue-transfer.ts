/**
 * The handset's side of a rescue (R2): the requests sent over the channel,
 * the save as a B5 backup with `rescueId`, its commit under a control number,
 * and the erase report. Every change is a conditional transition, so a
 * request sent twice (reconnects, a restarted center, two centers) and a
 * report that arrives twice change the rescue once.
 */
import { PhoneSafeError, type CenterMessage, type Clock } from '@phonesafe/protocol';
import type { HandsetCaller } from '../auth/caller.ts';
import type { Logger } from '../logging/logger.ts';
import type { Notifier } from '../notices/notifier.ts';
import type { PushBus } from '../push/push-bus.ts';
import type { HandsetRevocation } from '../handsets/handset-revocation.ts';
import type { RescueAuditRepo, RescueRepo, RescueRow } from './rescue-repo.ts';
import { newId } from '../ids.ts';
import { audit, channelRequest, ownerNotice, subjectOf } from './rescue-records.ts';

export interface RescueTransferDeps {
  rescues: Pick<RescueRepo, 'find' | 'findByBackup' | 'listForChannel' | 'transition'>;
  /** Revokes the lost handset once it erased its data (handsets/handset-revocation.ts). */
  revocation: HandsetRevocation;
  rescueAudit: Pick<RescueAuditRepo, 'append'>;
  notifier: Notifier;
  bus: Pick<PushBus, 'publish'>;
  clock: Clock;
  log: Logger;
  retentionMs: number;
}

/** What the save's commit needs to know of the backup. */
export interface CommittedSave {
  id: string;
  fileCount: number;
  committedAt: string;
}

export class RescueTransfer {
  readonly #deps: RescueTransferDeps;

  constructor(deps: RescueTransferDeps) {
    this.#deps = deps;
  }

  /** A handset connected: the rescue requests it has waiting (R5: "the moment it connects"). */
  async pending(handsetId: string): Promise<CenterMessage[]> {
    const rows = await this.#deps.rescues.listForChannel(handsetId);
    return rows.map(channelRequest).filter((message) => message !== undefined);
  }

  /** Publishes the request a rescue needs now; the center holding the handset's socket sends it. */
  async nudge(rescue: RescueRow): Promise<void> {
    const message = channelRequest(rescue);
    if (message) await this.#publish(rescue.handsetId, message);
  }

  /** Best effort: a handset that misses a request gets it again when it next connects, and a revoked one cannot connect. */
  async #publish(handsetId: string, message: CenterMessage): Promise<void> {
    await this.#deps.bus.publish(handsetId, message).catch((error: unknown) => {
      this.#deps.log.warn({ err: error, handsetId, type: message.type }, 'could not publish a channel message');
    });
  }

  /** A rescue request reached the handset's socket on this center: that is an attempt (R5 "last attempt"). */
  async sent(handsetId: string, message: CenterMessage): Promise<void> {
    if (message.type !== 'rescue-save' && message.type !== 'rescue-erase') return;
    const rescue = await this.#deps.rescues.find(message.rescueId);
    if (!rescue || rescue.handsetId !== handsetId) return;
    const at = this.#deps.clock.now().toISOString();
    const changed = await this.#deps.rescues.transition(
      { id: rescue.id, status: rescue.status },
      { requestId: message.requestId, lastAttemptAt: at },
    );
    if (!changed) return;
    const what = message.type === 'rescue-save' ? 'save' : 'erase';
    await audit(this.#deps, subjectOf(rescue), 'attempt', `${what} requested from the handset over its channel`);
  }

  /** The rescue a `POST /v1/backups` with `rescueId` saves: this handset's, still to be saved. */
  async toSave(handset: HandsetCaller, rescueId: string): Promise<RescueRow> {
    const rescue = await this.#deps.rescues.find(rescueId);
    if (!rescue || rescue.handsetId !== handset.handsetId || (rescue.status !== 'waiting-for-handset' && rescue.status !== 'saving')) {
      throw new PhoneSafeError('NOT_FOUND', `no rescue ${rescueId} of this handset is waiting for its save`);
    }
    return rescue;
  }

  /** The save started: `saving`, linked to the backup whose commit completes it. A retried save replaces an interrupted one. */
  async attachBackup(rescue: RescueRow, backupId: string): Promise<void> {
    const changed = await this.#deps.rescues.transition({ id: rescue.id, status: rescue.status }, { status: 'saving', backupId });
    if (!changed) throw new PhoneSafeError('NOT_FOUND', `rescue ${rescue.id} is no longer waiting for its save`);
  }

  /** The save committed: its control number (sealed at the request) becomes valid; tell the owner, then ask the handset to erase. */
  async backupCommitted(backup: CommittedSave): Promise<void> {
    const rescue = await this.#deps.rescues.findByBackup(backup.id);
    if (!rescue || rescue.status !== 'saving') return;
    const savedAt = backup.committedAt;
    const expiresAt = new Date(Date.parse(savedAt) + this.#deps.retentionMs).toISOString();
    const saved = await this.#deps.rescues.transition(
      { id: rescue.id, status: 'saving' },
      { status: 'saved', savedAt, expiresAt, files: backup.fileCount },
    );
    if (!saved) return;
    await audit(this.#deps, subjectOf(saved), 'saved', `${backup.fileCount} files saved, kept until ${expiresAt}`);
    // The center cannot read the control number without the code number; rescue-status shows it.
    const message =
      `the memory of the handset with phone number ${saved.phone} is saved (${backup.fileCount} files, kept until ${expiresAt}); ` +
      'its control number, needed to restore it, is shown by `phonesafe pc rescue-status` with the phone number and code number';
    await this.#deps.notifier.notify(ownerNotice(saved.ownerId, 'rescue-saved', message));
    await this.nudge(saved);
  }

  /** The handset erased what it saved. Only the first report changes anything; a repeated one is answered the same. */
  async erased(handset: HandsetCaller, rescueId: string, report: { backupId: string; erasedItems: number }): Promise<void> {
    const rescue = await this.#deps.rescues.find(rescueId);
    if (!rescue || rescue.handsetId !== handset.handsetId || rescue.backupId === null || rescue.savedAt === null) {
      throw new PhoneSafeError('NOT_FOUND', `no saved rescue ${rescueId} of this handset`);
    }
    if (report.backupId !== rescue.backupId)
      throw new PhoneSafeError('VALIDATION_FAILED', `body.backupId: not the save of rescue ${rescueId}`);
    if (rescue.erasedAt !== null) return;
    const erasedAt = this.#deps.clock.now().toISOString();
    // After a restore (or expiry) the status stays; the erase is still recorded.
    const update = rescue.status === 'saved' ? { status: 'erased' as const, erasedAt } : { erasedAt };
    const changed = await this.#deps.rescues.transition({ id: rescue.id, status: rescue.status, unerased: true }, update);
    if (!changed) return;
    // The lost handset still holds its credential and the owner's data key:
    // whoever found it must not reach the owner's data through it (seed 004).
    await this.#deps.revocation.revoke(handset.handsetId, erasedAt);
    // A channel it still holds, on whichever center, is told and closed.
    await this.#publish(handset.handsetId, { type: 'credential-revoked', requestId: newId() });
    await audit(
      this.#deps,
      subjectOf(changed),
      'erased',
      `the handset erased ${report.erasedItems} saved items; its credential is revoked`,
    );
    await this.#deps.notifier.notify(
      ownerNotice(
        changed.ownerId,
        'rescue-erased',
        `the handset with phone number ${changed.phone} erased its saved memory (${report.erasedItems} items)`,
      ),
    );
  }
}
