import { createHmac } from 'node:crypto';
import { DEFAULT_KDF_COST, PhoneSafeError, type Clock, type KdfParams } from '@phonesafe/protocol';
import { issueCredential } from '../auth/credentials.ts';
import { newId } from '../ids.ts';
import type { Lockout } from '../auth/lockout.ts';
import type { Notifier } from '../notices/notifier.ts';
import type { OwnerRepo } from '../store/store.ts';
import { burnAuthKeyCheck, hashAuthKey, verifyAuthKey } from './auth-key-hash.ts';

const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
/** encryption.md: the auth key is a 32-byte HKDF output. */
const AUTH_KEY_BYTES = 32;

export interface OwnerServiceDeps {
  owners: OwnerRepo;
  clock: Clock;
  /** Keys the fake prelogin answers for unknown e-mails. */
  centerSecret: string;
  /** Wrong passwords per e-mail address, counted for unknown addresses too. */
  lockout: Lockout;
  notifier: Notifier;
}

export interface RegisterInput {
  email: string;
  authKey: string;
  kdf: KdfParams;
  wrappedDataKey: string;
}

export interface LoginResult {
  ownerId: string;
  token: string;
  expiresAt: string;
  kdf: KdfParams;
  wrappedDataKey: string;
}

export class OwnerService {
  readonly #deps: OwnerServiceDeps;

  constructor(deps: OwnerServiceDeps) {
    this.#deps = deps;
  }

  /**
   * The KDF parameters to derive the auth key with. An unknown e-mail gets
   * parameters derived from an HMAC of the address, stable across calls, so
   * the answer does not reveal whether the address is registered.
   */
  async prelogin(email: string): Promise<{ kdf: KdfParams }> {
    const owner = await this.#deps.owners.findByEmail(email);
    if (owner) return { kdf: owner.kdf };
    const salt = createHmac('sha256', this.#deps.centerSecret).update(`prelogin\0${email}`).digest().subarray(0, 16);
    return { kdf: { algorithm: 'scrypt', salt: salt.toString('base64'), ...DEFAULT_KDF_COST } };
  }

  async register(input: RegisterInput): Promise<{ ownerId: string }> {
    const ownerId = newId();
    await this.#deps.owners.create({
      id: ownerId,
      email: input.email,
      authHash: await hashAuthKey(decodeAuthKey(input.authKey)),
      kdf: input.kdf,
      wrappedDataKey: input.wrappedDataKey,
      createdAt: this.#deps.clock.now().toISOString(),
    });
    return { ownerId };
  }

  /**
   * Unknown e-mail and wrong key give the same answer after the same work,
   * and count alike towards the address's lock (LOCKED, even for the right
   * password, until it lifts). The owner hears of a lock: someone may be
   * guessing the password.
   */
  async login(email: string, authKeyBase64: string): Promise<LoginResult> {
    // Reserved before the slow check, so parallel guesses get no more checks than sequential ones.
    const reserved = await this.#deps.lockout.reserve(loginKey(email));
    const authKey = Buffer.from(authKeyBase64, 'base64');
    const owner = await this.#deps.owners.findByEmail(email);
    const right = owner ? await verifyAuthKey(authKey, owner.authHash) : (await burnAuthKeyCheck(authKey), false);
    if (!owner || !right) {
      if (reserved.locked && owner) {
        const message = `owner login for ${email} was locked after repeated wrong passwords; if that was not you, someone may be guessing your password`;
        await this.#deps.notifier.notify({ ownerId: owner.id, handsetId: null, kind: 'login-locked', message });
      }
      throw new PhoneSafeError('UNAUTHENTICATED', 'unknown e-mail or wrong password');
    }
    await this.#deps.lockout.succeeded(reserved);

    const now = this.#deps.clock.now();
    const tokenId = newId();
    const { credential, secretHash } = issueCredential('owner', tokenId);
    const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS).toISOString();
    // Housekeeping rides on logins: the only time tokens are made is the natural time to drop dead ones.
    await this.#deps.owners.deleteExpiredTokens(now.toISOString());
    await this.#deps.owners.addToken({ id: tokenId, ownerId: owner.id, secretHash, expiresAt });
    return { ownerId: owner.id, token: credential, expiresAt, kdf: owner.kdf, wrappedDataKey: owner.wrappedDataKey };
  }
}

const loginKey = (email: string) => `login:${email}`;

function decodeAuthKey(authKey: string): Buffer {
  const bytes = Buffer.from(authKey, 'base64');
  if (bytes.length !== AUTH_KEY_BYTES) {
    throw new PhoneSafeError('VALIDATION_FAILED', `body.authKey: must be ${AUTH_KEY_BYTES} bytes in base64`);
  }
  return bytes;
}
