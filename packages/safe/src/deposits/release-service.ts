/**
 * Release (V3, C26) in two phases: release moves a deposit to `releasing`
 * under the card's release id and answers the record; confirm ends it —
 * bearer: the body is deleted and a tombstone stays; secret: it is kept.
 * Every move is a conditional update, so of two callers with one
 * certificate exactly one wins.
 */
import {
  PhoneSafeError,
  type Certificate,
  type ConfirmRequest,
  type DeviceChallenge,
  type ReleaseRequest,
  type ReleaseState,
  type SignedRecord,
} from '@phonesafe/protocol';
import { locate, ownCertificate } from './certificates.ts';
import type { DepositRepo, DepositRow } from './deposit-queries.ts';
import type { DepositContext } from './deposit-context.ts';
import type { CallingCard } from './deposit-service.ts';
import { challengeFor, checkDevice, deviceOf, type DeviceGateDeps } from './device-gate.ts';

export interface ReleaseDeps extends Pick<DepositContext, 'owners' | 'maxTries'>, DeviceGateDeps {
  repo: DepositRepo;
}

export class ReleaseService {
  readonly #deps: ReleaseDeps;

  constructor(deps: ReleaseDeps) {
    this.#deps = deps;
  }

  async release(card: CallingCard, request: ReleaseRequest, nonce: string): Promise<SignedRecord> {
    const row = await this.#row(card, request.certificate);
    if (!(row.state === 'releasing' && row.release_id === request.releaseId)) refuseUnless(row, 'deposited');
    if (row.owner_ref !== null) {
      if (request.proof === undefined)
        throw new PhoneSafeError('UNAUTHENTICATED', 'this deposit is released only with the owner’s PIN proof');
      await this.#deps.owners.check(row.owner_ref, request.proof, nonce);
    }
    const device = deviceOf(row);
    if (device) await checkDevice(this.#deps, row, device, request.device);
    return this.#deps.work(async (tx) => {
      const now = this.#deps.clock.now();
      const moved = await tx.deposits.move(row.id, { from: 'deposited', to: 'releasing', releaseId: request.releaseId });
      if (!moved) {
        // Someone moved it first: the same release id (a lost answer) is answered again, anything else refused.
        const [current] = (await tx.deposits.bySerialAndHash(row.serial, row.hash)).filter((r) => r.id === row.id);
        if (!current || current.state !== 'releasing' || current.release_id !== request.releaseId) refuse(current ?? row);
      } else await tx.audit.record(now, 'release', row.serial, row.owner_ref, row.class);
      if (row.body === null) throw new PhoneSafeError('SAFE_ALREADY_RECOVERED');
      return { header: row.header, sig: row.card_sig, body: row.body };
    });
  }

  /** V12: a signed challenge for the authentication device registered with the deposit. */
  async challenge(card: CallingCard, certificate: Certificate): Promise<DeviceChallenge> {
    return challengeFor(this.#deps, await this.#row(card, certificate));
  }

  async confirm(card: CallingCard, request: ConfirmRequest): Promise<ReleaseState> {
    const row = await this.#row(card, request.certificate);
    const bearer = row.semantics === 'bearer';
    if (row.release_id === request.releaseId && (row.state === 'released' || row.state === 'deposited')) return row.state;
    return this.#deps.work(async (tx) => {
      const now = this.#deps.clock.now().toISOString();
      const to: ReleaseState = bearer ? 'released' : 'deposited';
      const change = bearer
        ? {
            from: 'releasing' as const,
            to,
            releaseId: request.releaseId,
            whenReleaseId: request.releaseId,
            dropBody: true,
            releasedAt: now,
          }
        : { from: 'releasing' as const, to, releaseId: request.releaseId, whenReleaseId: request.releaseId };
      if (!(await tx.deposits.move(row.id, change))) refuseUnless(row, 'releasing');
      await tx.audit.record(new Date(now), 'confirm', row.serial, row.owner_ref, bearer ? 'released; tombstone kept' : 'secret copy; kept');
      return to;
    });
  }

  async abort(card: CallingCard, request: ConfirmRequest): Promise<ReleaseState> {
    const row = await this.#row(card, request.certificate);
    return this.#deps.work(async (tx) => {
      const moved = await tx.deposits.move(row.id, {
        from: 'releasing',
        to: 'deposited',
        releaseId: null,
        whenReleaseId: request.releaseId,
      });
      if (!moved) refuseUnless(row, 'releasing');
      await tx.audit.record(this.#deps.clock.now(), 'abort', row.serial, row.owner_ref);
      return 'deposited' as const;
    });
  }

  /** The owner gives a secret deposit up; a bearer one is refused (it would burn the value). */
  async withdraw(card: CallingCard, certificate: Certificate): Promise<ReleaseState> {
    const row = await this.#row(card, certificate);
    if (row.semantics === 'bearer') throw new PhoneSafeError('SAFE_WITHDRAW_REFUSED');
    return this.#deps.work(async (tx) => {
      const now = this.#deps.clock.now();
      const moved = await tx.deposits.move(row.id, {
        from: 'deposited',
        to: 'released',
        releaseId: null,
        dropBody: true,
        releasedAt: now.toISOString(),
      });
      if (!moved) refuseUnless(row, 'deposited');
      await tx.audit.record(now, 'withdraw', row.serial, row.owner_ref);
      return 'released' as const;
    });
  }

  async #row(card: CallingCard, certificate: Certificate): Promise<DepositRow> {
    const body = ownCertificate(this.#deps.keys.sign.publicRaw, this.#deps.keys.safeId, certificate);
    if (body.card !== card.id) throw new PhoneSafeError('FORBIDDEN', 'the certificate was issued to another card');
    return locate(this.#deps.repo, body, certificate);
  }
}

/** Throws the answer for a deposit that is not in the state `expected`. */
function refuseUnless(row: Pick<DepositRow, 'state'>, expected: ReleaseState): void {
  if (row.state !== expected) refuse(row);
}

/** The answer for a deposit another caller moved first. */
function refuse(row: Pick<DepositRow, 'state'>): never {
  if (row.state === 'released') throw new PhoneSafeError('SAFE_ALREADY_RECOVERED');
  if (row.state === 'destroyed') throw new PhoneSafeError('SAFE_ESCROW_DESTROYED');
  throw new PhoneSafeError('SAFE_RELEASE_PENDING', `another release of this deposit is under way (it is ${row.state})`);
}
