/**
 * The card's client of one safe (docs/design/safes.md): every request but
 * `info` is signed with the card's signing key, bound to the safe's id, a
 * time and a fresh nonce. Deposits and releases carry their own idempotency
 * keys (depositKey, releaseId), so a caller may repeat them after a lost answer.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../../clock.ts';
import {
  ChallengeAnswer,
  ConfirmAnswer,
  DepositAnswer,
  OwnerRegistered,
  ReleaseAnswer,
  SafeInfo,
  type Certificate,
  type ConfirmRequest,
  type DeviceChallenge,
  type DepositRequest,
  type OwnerRegister,
  type ReleaseRequest,
  type ReleaseState,
  type SignedRecord,
} from '../../schemas/safe.ts';
import { b64url, CARD_REQUEST_DOMAIN, cardRequestBytes, signUnder, type SigningKey } from '../crypto/safe-crypto.ts';
import { Http } from './http.ts';

export const CARD_HEADERS = { key: 'x-phonesafe-card', at: 'x-phonesafe-at', nonce: 'x-phonesafe-nonce', sig: 'x-phonesafe-sig' } as const;

export interface SafeClientOptions {
  url: string;
  card: SigningKey;
  /** The safe id requests are bound to (from the pinned key). */
  audience: string;
  clock: Clock;
  /** PEM the safe's HTTPS certificate must chain to (a CA, or the safe's own self-signed certificate). */
  ca?: string;
}

export class SafeClient {
  readonly #http: Http;
  readonly #options: SafeClientOptions;

  constructor(options: SafeClientOptions) {
    this.#options = options;
    this.#http = new Http({ baseUrl: options.url, connections: 4, peer: 'the safe', ...(options.ca ? { ca: options.ca } : {}) });
  }

  /** The safe's public keys, unauthenticated: the caller compares them with the pinned ones. */
  static async info(url: string, ca?: string): Promise<SafeInfo> {
    const http = new Http({ baseUrl: url, connections: 1, peer: 'the safe', ...(ca ? { ca } : {}) });
    try {
      return await http.json(SafeInfo, { method: 'GET', path: '/v1/safe' });
    } finally {
      await http.close();
    }
  }

  /** A fresh nonce for the next request; owner proofs are bound to it. */
  static nonce(): string {
    return b64url(randomBytes(18));
  }

  registerOwner(body: OwnerRegister, nonce = SafeClient.nonce()): Promise<z.infer<typeof OwnerRegistered>> {
    return this.#post(OwnerRegistered, '/v1/owners', body, nonce);
  }

  async deposit(body: DepositRequest): Promise<Certificate> {
    return (await this.#post(DepositAnswer, '/v1/deposits', body)).certificate;
  }

  async release(body: ReleaseRequest, nonce = SafeClient.nonce()): Promise<SignedRecord> {
    return (await this.#post(ReleaseAnswer, '/v1/deposits/release', body, nonce)).record;
  }

  /** V12: the safe's signed challenge for the authentication device registered with this deposit. */
  async challenge(certificate: Certificate): Promise<DeviceChallenge> {
    return (await this.#post(ChallengeAnswer, '/v1/deposits/challenge', { certificate })).challenge;
  }

  async confirm(body: ConfirmRequest): Promise<ReleaseState> {
    return (await this.#post(ConfirmAnswer, '/v1/deposits/confirm', body)).state;
  }

  async abort(body: ConfirmRequest): Promise<ReleaseState> {
    return (await this.#post(ConfirmAnswer, '/v1/deposits/abort', body)).state;
  }

  async withdraw(certificate: Certificate): Promise<ReleaseState> {
    return (await this.#post(ConfirmAnswer, '/v1/deposits/withdraw', { certificate })).state;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  async #post<S extends z.ZodType>(schema: S, path: string, json: unknown, nonce = SafeClient.nonce()): Promise<z.infer<S>> {
    return this.#http.json(schema, { method: 'POST', path, json, headers: this.signedHeaders('POST', path, json, nonce) });
  }

  /** The four card headers for a JSON body (the client sends JSON.stringify(json), which is what is signed). */
  signedHeaders(method: string, path: string, json: unknown, nonce: string): Record<string, string> {
    const at = this.#options.clock.now().toISOString();
    const body = Buffer.from(JSON.stringify(json));
    const bytes = cardRequestBytes({ method, path, body, audience: this.#options.audience, at, nonce });
    return {
      [CARD_HEADERS.key]: b64url(this.#options.card.publicRaw),
      [CARD_HEADERS.at]: at,
      [CARD_HEADERS.nonce]: nonce,
      [CARD_HEADERS.sig]: b64url(signUnder(this.#options.card, CARD_REQUEST_DOMAIN, bytes)),
    };
  }
}
