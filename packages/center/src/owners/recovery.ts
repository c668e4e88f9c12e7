/**
 * The owner's recovery key at the center (encryption.md, "Recovery key"):
 * the hash of the auth key derived from it and the data key wrapped for it.
 * Its holder opens the wrapped data key and sets a new password without
 * the old one; every session ends. Wrong keys are counted per address
 * (`recovery:<email>`) under the login's lockout settings, and an unknown
 * address or an owner without a key answer as a wrong key, after the same
 * work.
 */
import { PhoneSafeError, type KdfParams } from '@phonesafe/protocol';
import type { Lockout } from '../auth/lockout.ts';
import type { Notifier } from '../notices/notifier.ts';
import { burnAuthKeyCheck, hashAuthKey, verifyAuthKey } from './auth-key-hash.ts';
import type { OwnerRepo, OwnerRow } from './owner-repo.ts';

export interface RecoveryDeps {
  owners: OwnerRepo;
  lockout: Lockout;
  notifier: Notifier;
}

export interface Recover {
  email: string;
  recoveryAuthKey: string;
  authKey: string;
  kdf: KdfParams;
  wrappedDataKey: string;
}

export async function setRecovery(deps: RecoveryDeps, ownerId: string, recoveryAuthKey: string, wrappedDataKey: string): Promise<void> {
  await deps.owners.setRecovery(ownerId, { authHash: await hashAuthKey(decodeKey(recoveryAuthKey)), wrappedDataKey });
}

/** The data key wrapped for the recovery key, to its holder. */
export async function openRecovery(deps: RecoveryDeps, email: string, recoveryAuthKey: string): Promise<{ wrappedDataKey: string }> {
  const { recovery } = await checkRecoveryKey(deps, email, recoveryAuthKey);
  return { wrappedDataKey: recovery.wrappedDataKey };
}

/** A new password's secrets from the recovery key's holder; every session of the owner ends. */
export async function recover(deps: RecoveryDeps, request: Recover): Promise<{ endedSessions: number }> {
  const { owner } = await checkRecoveryKey(deps, request.email, request.recoveryAuthKey);
  const endedSessions = await deps.owners.changeSecrets({
    ownerId: owner.id,
    expectedAuthHash: owner.authHash,
    authHash: await hashAuthKey(decodeKey(request.authKey)),
    kdf: request.kdf,
    wrappedDataKey: request.wrappedDataKey,
    // No token has an empty id: every session ends.
    keepTokenId: '',
  });
  if (endedSessions === undefined) throw new PhoneSafeError('UNAUTHENTICATED', 'the password was changed meanwhile; try again');
  await deps.notifier.notify({
    ownerId: owner.id,
    handsetId: null,
    kind: 'password-recovered',
    message: `the password of ${owner.email} was replaced with the recovery key and every session ended; if that was not you, your recovery key is in other hands`,
  });
  return { endedSessions };
}

async function checkRecoveryKey(deps: RecoveryDeps, email: string, recoveryAuthKey: string) {
  const key = decodeKey(recoveryAuthKey);
  // Reserved before the slow check, so parallel guesses get no more checks than sequential ones.
  const reserved = await deps.lockout.reserve(`recovery:${email}`);
  const owner: OwnerRow | undefined = await deps.owners.findByEmail(email);
  const recovery = owner && (await deps.owners.recovery(owner.id));
  const right = recovery ? await verifyAuthKey(key, recovery.authHash) : (await burnAuthKeyCheck(key), false);
  if (!owner || !recovery || !right) throw new PhoneSafeError('UNAUTHENTICATED', 'unknown e-mail or wrong recovery key');
  await deps.lockout.succeeded(reserved);
  return { owner, recovery };
}

function decodeKey(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 32) throw new PhoneSafeError('VALIDATION_FAILED', 'a recovery auth key is 32 bytes in base64');
  return bytes;
}
