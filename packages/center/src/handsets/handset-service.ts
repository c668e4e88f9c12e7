import { PhoneSafeError, type Clock, type HandsetInfo } from '@phonesafe/protocol';
import type { Caller } from '../auth/caller.ts';
import { issueCredential } from '../auth/credentials.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logging/logger.ts';
import type { Notifier } from '../notices/notifier.ts';
import type { PushBus } from '../push/push-bus.ts';
import type { UnitOfWork } from '@phonesafe/server-kit';
import type { HandsetRepo } from './handset-repo.ts';
import type { HandsetRevocation } from './handset-revocation.ts';

/** What enrolment asks of the rescue desk about the code number that comes with a phone number (rescue.md). */
export interface EnrolmentCodes<Tx> {
  /**
   * Throws when the code may not be set now (a rescue of the number still
   * needs the current one); checked before anything is stored. Answers the
   * write that stores the code, run in the enrolment's transaction.
   */
  prepareCode(ownerId: string, phone: string, code: string): Promise<(tx: Tx) => Promise<void>>;
  /** Whether the owner's phone number has a rescue code number. */
  hasCode(ownerId: string, phone: string): Promise<boolean>;
}

export interface HandsetServiceDeps<Tx extends { handsets: Pick<HandsetRepo, 'create'> }> {
  handsets: Pick<HandsetRepo, 'newestByPhone' | 'listByOwner' | 'findByName'>;
  /** The handset row and its phone number's code are stored together, or neither (Store.transaction). */
  transaction: UnitOfWork<Tx>;
  revocation: HandsetRevocation;
  clock: Clock;
  /** Reaches the center holding a revoked handset's channel, to close it. */
  bus: Pick<PushBus, 'publish'>;
  notifier: Notifier;
  log: Logger;
  codes: EnrolmentCodes<Tx>;
}

export interface EnrollInput {
  name: string;
  /** The handset's phone number; a replacement handset is enrolled with the lost one's. */
  phone?: string | undefined;
  /** The rescue desk code number for that phone number. */
  code?: string | undefined;
}

export class HandsetService<Tx extends { handsets: Pick<HandsetRepo, 'create'> }> {
  readonly #deps: HandsetServiceDeps<Tx>;

  constructor(deps: HandsetServiceDeps<Tx>) {
    this.#deps = deps;
  }

  /**
   * The credential is returned once; the center keeps only its hash. Throws
   * HANDSET_NAME_TAKEN, or FORBIDDEN when the phone number is another owner's
   * (a phone number belongs to one owner, rescue.md). A code number given
   * with the phone number is stored in the same transaction as the handset.
   */
  async enroll(ownerId: string, input: EnrollInput): Promise<{ handsetId: string; name: string; credential: string; rescueCode: boolean }> {
    const { name, phone, code } = input;
    if (code !== undefined && phone === undefined)
      throw new PhoneSafeError('VALIDATION_FAILED', 'body.code: a code number needs the phone number it protects');
    if (phone !== undefined) {
      const holder = await this.#deps.handsets.newestByPhone(phone);
      if (holder && holder.ownerId !== ownerId) throw new PhoneSafeError('FORBIDDEN', `phone number ${phone} belongs to another owner`);
    }
    const storeCode = phone !== undefined && code !== undefined ? await this.#deps.codes.prepareCode(ownerId, phone, code) : undefined;
    const handsetId = newId();
    const { credential, secretHash } = issueCredential('handset', handsetId);
    await this.#deps.transaction(async (tx) => {
      await tx.handsets.create({
        id: handsetId,
        ownerId,
        name,
        credentialHash: secretHash,
        enrolledAt: this.#deps.clock.now().toISOString(),
        lastSeenAt: null,
        phone: phone ?? null,
        revokedAt: null,
      });
      await storeCode?.(tx);
    });
    const rescueCode = phone !== undefined && (code !== undefined || (await this.#deps.codes.hasCode(ownerId, phone)));
    return { handsetId, name, credential, rescueCode };
  }

  async list(ownerId: string): Promise<{ handsets: HandsetInfo[] }> {
    const rows = await this.#deps.handsets.listByOwner(ownerId);
    return {
      handsets: rows.map((row) => ({
        handsetId: row.id,
        name: row.name,
        enrolledAt: row.enrolledAt,
        lastSeenAt: row.lastSeenAt,
        phone: row.phone,
        revokedAt: row.revokedAt,
      })),
    };
  }

  /**
   * The owner cuts off a handset, e.g. a lost one that never comes back
   * online (a finder may have copied its identity files): its credential is
   * refused on every call and channel upgrade from now on, it gets no more
   * start requests (schedule cleared, active job cancelled, in the same
   * transaction), and a channel it holds on any center is told and closed.
   * Its backups stay the owner's. Idempotent: revoking again changes nothing
   * but sends the channel notice again (a lost publish is not fatal).
   * Restore orders for it are left as they are: nothing can fetch them.
   */
  async revoke(ownerId: string, name: string): Promise<void> {
    const handset = await this.#deps.handsets.findByName(ownerId, name);
    if (!handset) throw new PhoneSafeError('NOT_FOUND', `no handset named ${name}`);
    const first = await this.#deps.revocation.revoke(handset.id, this.#deps.clock.now().toISOString());
    await this.#deps.bus.publish(handset.id, { type: 'credential-revoked', requestId: newId() }).catch((error: unknown) => {
      this.#deps.log.warn({ err: error, handsetId: handset.id }, 'could not publish a credential revocation');
    });
    if (!first) return;
    await this.#deps.notifier.notify({
      ownerId,
      handsetId: handset.id,
      kind: 'handset-revoked',
      message: `handset ${name} is revoked: its credential no longer works and it gets no more backup requests; its backups are kept`,
    });
  }

  whoami(caller: Caller): { ownerId: string; handsetId: string | null; handsetName: string | null } {
    return caller.kind === 'handset'
      ? { ownerId: caller.ownerId, handsetId: caller.handsetId, handsetName: caller.handsetName }
      : { ownerId: caller.ownerId, handsetId: null, handsetName: null };
  }
}
