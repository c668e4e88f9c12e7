/**
 * Owner authentication at the safe (V10) with the hard guess limit
 * (docs/design/safes.md): the safe checks the owner's proof itself, counts
 * every try in the same transaction as the comparison, never forgets a
 * wrong try over time, and at 0 destroys the owner's escrowed material.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PhoneSafeError, type Clock, type OwnerRegister } from '@phonesafe/protocol';
import { fromB64url, openSealedTo, scryptAsync, type BoxKey } from '@phonesafe/protocol/node';
import type { UnitOfWork } from '@phonesafe/server-kit';
import type { OwnerRepo } from './owner-queries.ts';

/** The safe's cost for verifiers: the handset's scrypt already stretched the PIN; this only keeps a dump from being a lookup table. */
const VERIFIER_COST = { N: 1 << 14, r: 8, p: 1 } as const;

/** What is destroyed when an owner's tries run out (the deposits' bodies; [escrow] key and seed shares too), in the same transaction. */
export interface EscrowDestroyer {
  destroyOwned(ownerRef: string, at: string): Promise<number>;
}

export interface OwnerTx {
  owners: OwnerRepo;
  escrow: EscrowDestroyer;
  audit: {
    record(
      at: Date,
      event: 'wrong-try' | 'right-try' | 'destroy' | 'owner',
      serial: null,
      ownerRef: string,
      detail?: string,
    ): Promise<void>;
  };
}

export interface OwnerDeps {
  keys: { box: BoxKey; pepper: Buffer; ownerRef(email: string): string };
  repo: OwnerRepo;
  work: UnitOfWork<OwnerTx>;
  clock: Clock;
  maxTries: number;
  isUniqueViolation(error: unknown): boolean;
}

type Outcome = { kind: 'right' } | { kind: 'wrong'; triesLeft: number } | { kind: 'destroyed'; now: boolean };

export class OwnerService {
  readonly #deps: OwnerDeps;

  constructor(deps: OwnerDeps) {
    this.#deps = deps;
  }

  async register(request: OwnerRegister): Promise<{ ownerRef: string }> {
    const ownerRef = this.#deps.keys.ownerRef(request.owner);
    const accessKey = openSealedTo(this.#deps.keys.box, fromB64url(request.access), 'owner-register');
    if (accessKey.length !== 32) throw new PhoneSafeError('BAD_REQUEST', 'the sealed access key has the wrong length');
    const serverSalt = randomBytes(16);
    const verifier = await this.#verifier(accessKey, serverSalt);
    const now = this.#deps.clock.now();
    try {
      await this.#deps.work(async (tx) => {
        await tx.owners.insert({
          owner_ref: ownerRef,
          salt: request.salt,
          server_salt: serverSalt.toString('base64url'),
          verifier,
          max_tries: this.#deps.maxTries,
          tries_left: this.#deps.maxTries,
          created_at: now.toISOString(),
          destroyed_at: null,
        });
        await tx.audit.record(now, 'owner', null, ownerRef, 'registered');
      });
    } catch (error) {
      if (this.#deps.isUniqueViolation(error)) throw new PhoneSafeError('SAFE_OWNER_EXISTS');
      throw error;
    }
    return { ownerRef };
  }

  async knows(ownerRef: string): Promise<boolean> {
    const row = await this.#deps.repo.get(ownerRef);
    return row !== undefined && row.destroyed_at === null;
  }

  /** Checks a proof bound to the request nonce; every call with a wrong proof spends one try. */
  async check(ownerRef: string, proof: string, nonce: string): Promise<void> {
    const row = await this.#deps.repo.get(ownerRef);
    if (!row) throw new PhoneSafeError('NOT_FOUND', 'no such owner at this safe');
    if (row.destroyed_at !== null) throw destroyed();
    const candidate = await this.#candidate(proof, nonce, Buffer.from(row.server_salt, 'base64url'));
    const outcome = await this.#deps.work((tx) => this.#count(tx, ownerRef, candidate));
    if (outcome.kind === 'right') return;
    if (outcome.kind === 'destroyed') throw destroyed();
    throw new PhoneSafeError('SAFE_PIN_MISMATCH', `wrong PIN; ${outcome.triesLeft} tries left`, { triesLeft: outcome.triesLeft });
  }

  /** The comparison and the count, in one transaction on the locked owner row. */
  async #count(tx: OwnerTx, ownerRef: string, candidate: string | null): Promise<Outcome> {
    const now = this.#deps.clock.now();
    const current = await tx.owners.lock(ownerRef);
    if (!current || current.destroyed_at !== null || current.verifier === null) return { kind: 'destroyed', now: false };
    if (candidate !== null && sameHex(candidate, current.verifier)) {
      await tx.owners.setTries(ownerRef, current.max_tries);
      await tx.audit.record(now, 'right-try', null, ownerRef);
      return { kind: 'right' };
    }
    const triesLeft = current.tries_left - 1;
    if (triesLeft > 0) {
      await tx.owners.setTries(ownerRef, triesLeft);
      await tx.audit.record(now, 'wrong-try', null, ownerRef, `${triesLeft} left`);
      return { kind: 'wrong', triesLeft };
    }
    await tx.owners.destroy(ownerRef, now.toISOString());
    const count = await tx.escrow.destroyOwned(ownerRef, now.toISOString());
    await tx.audit.record(now, 'destroy', null, ownerRef, `${count} escrowed deposits destroyed after ${current.max_tries} wrong tries`);
    return { kind: 'destroyed', now: true };
  }

  /** The verifier a proof would match, or null for a proof that does not open or is bound to another request. */
  async #candidate(proof: string, nonce: string, serverSalt: Buffer): Promise<string | null> {
    let plain: Buffer;
    try {
      plain = openSealedTo(this.#deps.keys.box, fromB64url(proof), 'owner-proof');
    } catch {
      return null;
    }
    if (plain.length < 33 || plain.subarray(32).toString('utf8') !== nonce) return null;
    return this.#verifier(plain.subarray(0, 32), serverSalt);
  }

  async #verifier(accessKey: Buffer, serverSalt: Buffer): Promise<string> {
    const stretched = await scryptAsync(accessKey, serverSalt, 32, VERIFIER_COST);
    return createHmac('sha256', this.#deps.keys.pepper).update(stretched).digest('hex');
  }
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

function destroyed(): PhoneSafeError {
  return new PhoneSafeError('SAFE_ESCROW_DESTROYED', 'too many wrong PINs: this safe destroyed the owner’s escrowed material');
}
