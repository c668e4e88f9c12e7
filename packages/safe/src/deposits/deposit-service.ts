/**
 * Registration (V2, V4): checks the card's signed record, stores it and
 * answers a certificate; idempotent by the card's deposit key, so a retry
 * after a lost answer or a killed safe gives one deposit and one certificate.
 */
import { randomBytes } from 'node:crypto';
import { DepositHeader, PhoneSafeError, type Certificate, type Clock, type DepositRequest } from '@phonesafe/protocol';
import { CARD_RECORD_DOMAIN, cardIdOf, fromB64url, sha256, verifyUnder } from '@phonesafe/protocol/node';
import type { UnitOfWork } from '@phonesafe/server-kit';
import type { AuditRepo } from '../audit/audit-queries.ts';
import { parseJson, signCertificate } from './certificates.ts';
import type { DepositRepo } from './deposit-queries.ts';
import type { DepositContext } from './deposit-context.ts';

export interface DepositTx {
  deposits: DepositRepo;
  audit: Pick<AuditRepo, 'record'>;
}

export interface DepositDeps extends DepositContext {
  repo: DepositRepo;
  work: UnitOfWork<DepositTx>;
  clock: Clock;
  isUniqueViolation(error: unknown): boolean;
}

export interface CallingCard {
  id: string;
  signPub: Buffer;
}

export class DepositService {
  readonly #deps: DepositDeps;

  constructor(deps: DepositDeps) {
    this.#deps = deps;
  }

  async deposit(card: CallingCard, request: DepositRequest): Promise<Certificate> {
    const { header, headerBytes, body } = await this.#checkRecord(card, request);
    const recordSha = sha256(headerBytes).toString('hex');
    const existing = await this.#deps.repo.byKey(request.depositKey);
    if (existing) return this.#again(existing, card, recordSha);
    try {
      return await this.#deps.work(async (tx) => {
        const serial = await tx.deposits.takeSerial(this.#deps.counterMax);
        const now = this.#deps.clock.now();
        const certificate = signCertificate(this.#deps.keys.sign, {
          v: 1,
          type: 'phonesafe.certificate',
          safe: { id: this.#deps.keys.safeId, url: this.#deps.selfUrl() },
          serial,
          hash: header.ct.sha256,
          digest: header.digest,
          class: header.class,
          semantics: header.semantics,
          valueId: header.valueId,
          generation: header.generation,
          card: card.id,
          owner: header.owner,
          record: recordSha,
          registeredAt: now.toISOString(),
        });
        await tx.deposits.insert({
          id: randomBytes(16).toString('hex'),
          deposit_key: request.depositKey,
          serial,
          hash: header.ct.sha256,
          class: header.class,
          semantics: header.semantics,
          owner_ref: header.owner,
          card_id: card.id,
          header: request.record.header,
          card_sig: request.record.sig,
          record_sha: recordSha,
          body: request.record.body,
          body_size: body.length,
          cert_body: certificate.body,
          cert_sig: certificate.sig,
          state: 'deposited',
          release_id: null,
          created_at: now.toISOString(),
          released_at: null,
          device_tries_left: header.device === undefined ? null : this.#deps.maxTries,
        });
        await tx.audit.record(now, 'deposit', serial, header.owner, `${header.semantics} ${header.class}, ${body.length} bytes`);
        return certificate;
      });
    } catch (error) {
      // The same key raced in from a retry: answer what the first one stored.
      const raced = this.#deps.isUniqueViolation(error) ? await this.#deps.repo.byKey(request.depositKey) : undefined;
      if (raced) return this.#again(raced, card, recordSha);
      throw error;
    }
  }

  #again(
    row: { card_id: string; record_sha: string; cert_body: string; cert_sig: string },
    card: CallingCard,
    recordSha: string,
  ): Certificate {
    if (row.card_id !== card.id || row.record_sha !== recordSha) {
      throw new PhoneSafeError('SAFE_DEPOSIT_CONFLICT', 'this deposit key was used for another record');
    }
    return { body: row.cert_body, sig: row.cert_sig };
  }

  async #checkRecord(card: CallingCard, request: DepositRequest) {
    const body = fromB64url(request.record.body);
    if (body.length > this.#deps.maxValueBytes) {
      throw new PhoneSafeError(
        'SAFE_VALUE_TOO_LARGE',
        `the sealed value has ${body.length} bytes; this safe takes at most ${this.#deps.maxValueBytes}`,
      );
    }
    const headerBytes = fromB64url(request.record.header);
    const parsed = DepositHeader.safeParse(parseJson(headerBytes));
    if (!parsed.success)
      throw new PhoneSafeError('SAFE_RECORD_INVALID', `the record header is malformed: ${parsed.error.issues[0]?.message}`);
    const header = parsed.data;
    const signPub = fromB64url(header.card.signPub);
    const problem =
      header.audience !== this.#deps.keys.safeId
        ? 'the record is addressed to another safe'
        : header.card.id !== cardIdOf(signPub) || header.card.id !== card.id
          ? 'the record names another card than the one that sent it'
          : !verifyUnder(signPub, CARD_RECORD_DOMAIN, headerBytes, fromB64url(request.record.sig))
            ? 'the card signature over the record does not verify'
            : sha256(body).toString('hex') !== header.ct.sha256 || body.length !== header.ct.size
              ? 'the body does not match the hash and size the card signed'
              : header.owner !== null && !(await this.#deps.owners.knows(header.owner))
                ? 'the record names an owner this safe does not know'
                : null;
    if (problem) throw new PhoneSafeError('SAFE_RECORD_INVALID', problem);
    return { header, headerBytes, body };
  }
}
