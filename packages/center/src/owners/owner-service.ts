import { createHmac } from 'node:crypto';
import { PhoneSafeError, type Clock, type KdfParams } from '@phonesafe/protocol';
import { DEFAULT_KDF_COST } from '@phonesafe/protocol/node';
import { issueCredential } from '../auth/credentials.ts';
import { newId } from '../ids.ts';
import type { Lockout } from '../auth/lockout.ts';
import type { Notifier } from '../notices/notifier.ts';
import type { NoticeRepo } from '../notices/notice-repo.ts';
import type { OwnerRepo, OwnerRow } from './owner-repo.ts';
import { burnAuthKeyCheck, hashAuthKey, verifyAuthKey } from './auth-key-hash.ts';
import { openRecovery, recover, setRecovery, type Recover } from './recovery.ts';

const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
/** An owner hears of registrations of their address at most this often. */
const REGISTRATION_NOTICE_EVERY_MS = 24 * 3600_000;
/** How many of the owner's newest notices are looked through for the last such notice. */
const RECENT_NOTICES = 50;
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
  notices: Pick<NoticeRepo, 'list'>;
}

export interface RegisterInput {
  email: string;
  authKey: string;
  kdf: KdfParams;
  wrappedDataKey: string;
}

export interface PasswordChange {
  currentAuthKey: string;
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

  /**
   * A taken address gets the answer a new one gets (201 with an owner id,
   * after the same scrypt work) and changes nothing: registration must not
   * tell who is registered. The id answered for a taken address is fresh and
   * never stored. The client finds out by logging in, which the login
   * lockout counts. The address's owner is told (at most once a day).
   */
  async register(input: RegisterInput): Promise<{ ownerId: string }> {
    const ownerId = newId();
    const authHash = await hashAuthKey(decodeAuthKey(input.authKey));
    const createdAt = this.#deps.clock.now().toISOString();
    try {
      await this.#deps.owners.create({
        id: ownerId,
        email: input.email,
        authHash,
        kdf: input.kdf,
        wrappedDataKey: input.wrappedDataKey,
        createdAt,
      });
    } catch (error) {
      if (!(error instanceof PhoneSafeError && error.code === 'OWNER_EXISTS')) throw error;
      await this.#registrationAttempted(input.email);
    }
    return { ownerId };
  }

  async #registrationAttempted(email: string): Promise<void> {
    const owner = await this.#deps.owners.findByEmail(email);
    if (!owner) return;
    const dayAgo = new Date(this.#deps.clock.now().getTime() - REGISTRATION_NOTICE_EVERY_MS).toISOString();
    // Anyone may register: without this, anyone could fill an owner's notices.
    const recent = await this.#deps.notices.list(owner.id, undefined, RECENT_NOTICES);
    if (recent.some((notice) => notice.kind === 'registration-attempt' && notice.at > dayAgo)) return;
    const message = `someone tried to register ${email} as a new owner; nothing was changed. If that was you, log in with your password instead`;
    await this.#deps.notifier.notify({ ownerId: owner.id, handsetId: null, kind: 'registration-attempt', message });
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
        await this.#deps.notifier.notify({ ownerId: owner.id, handsetId: null, kind: 'login-locked', message: lockedMessage(email) });
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

  /** Ends the caller's session (its token); the owner's other sessions and the handsets go on. */
  async logout(session: { tokenId: string }): Promise<void> {
    await this.#deps.owners.deleteToken(session.tokenId);
  }

  /**
   * Replaces the owner's auth key, KDF parameters and wrapped data key, and
   * ends every session but the caller's, in one transaction. The current
   * password is checked as a login checks it: a wrong one is a wrong try
   * under the login lockout (LOCKED while the address is locked), so a
   * stolen token cannot guess it any faster. Handsets keep their own
   * credentials and the data key, so they are not affected.
   */
  async changePassword(session: { ownerId: string; tokenId: string }, change: PasswordChange): Promise<{ endedSessions: number }> {
    const owner = await this.#deps.owners.findById(session.ownerId);
    if (!owner) throw new PhoneSafeError('UNAUTHENTICATED', 'no such owner');
    await this.#checkCurrentPassword(owner, decodeAuthKey(change.currentAuthKey));
    const endedSessions = await this.#deps.owners.changeSecrets({
      ownerId: owner.id,
      expectedAuthHash: owner.authHash,
      authHash: await hashAuthKey(decodeAuthKey(change.authKey)),
      kdf: change.kdf,
      wrappedDataKey: change.wrappedDataKey,
      keepTokenId: session.tokenId,
    });
    if (endedSessions === undefined)
      throw new PhoneSafeError('UNAUTHENTICATED', 'the password was changed meanwhile, in another session; log in again');
    return { endedSessions };
  }

  /** Sets or replaces the owner's recovery key (recovery.ts). */
  setRecovery(session: { ownerId: string }, request: { recoveryAuthKey: string; wrappedDataKey: string }): Promise<void> {
    return setRecovery(this.#recoveryDeps(), session.ownerId, request.recoveryAuthKey, request.wrappedDataKey);
  }

  openRecovery(email: string, recoveryAuthKey: string): Promise<{ wrappedDataKey: string }> {
    return openRecovery(this.#recoveryDeps(), email, recoveryAuthKey);
  }

  recover(request: Recover): Promise<{ endedSessions: number }> {
    return recover(this.#recoveryDeps(), request);
  }

  #recoveryDeps() {
    return { owners: this.#deps.owners, lockout: this.#deps.lockout, notifier: this.#deps.notifier };
  }

  async #checkCurrentPassword(owner: OwnerRow, authKey: Buffer): Promise<void> {
    // Reserved before the slow check, as at login.
    const reserved = await this.#deps.lockout.reserve(loginKey(owner.email));
    if (await verifyAuthKey(authKey, owner.authHash)) {
      await this.#deps.lockout.succeeded(reserved);
      return;
    }
    if (reserved.locked) {
      await this.#deps.notifier.notify({ ownerId: owner.id, handsetId: null, kind: 'login-locked', message: lockedMessage(owner.email) });
    }
    throw new PhoneSafeError('UNAUTHENTICATED', 'the current password is wrong');
  }
}

const loginKey = (email: string) => `login:${email}`;
const lockedMessage = (email: string) =>
  `owner login for ${email} was locked after repeated wrong passwords; if that was not you, someone may be guessing your password`;

function decodeAuthKey(authKey: string): Buffer {
  const bytes = Buffer.from(authKey, 'base64');
  if (bytes.length !== AUTH_KEY_BYTES) {
    throw new PhoneSafeError('VALIDATION_FAILED', `body.authKey: must be ${AUTH_KEY_BYTES} bytes in base64`);
  }
  return bytes;
}
