import { passwordStrength } from '../../codecs/password-strength.ts';
import { PhoneSafeError } from '../../errors.ts';
import { deriveOwnerSecrets, newKdfParams, DEFAULT_KDF_COST } from '../crypto/kdf.ts';
import { newDataKey, OwnerKeys, unwrapDataKey, wrapDataKey } from '../crypto/owner-keys.ts';
import type { KdfParams } from '../../schemas/owner.ts';
import type { CenterClient } from './center-client.ts';

type KdfCost = { N: number; r: number; p: number };

/** An owner logged in at the center, with the data key unwrapped on this side. */
export interface OwnerSession {
  ownerId: string;
  email: string;
  /** Client acting with the owner's token. */
  client: CenterClient;
  dataKey: Buffer;
  keys: OwnerKeys;
}

export async function loginOwner(center: CenterClient, email: string, password: string): Promise<OwnerSession> {
  const { kdf } = await center.prelogin(email);
  return loginWith(center, email, password, kdf);
}

/** The login with KDF parameters the prelogin answered. */
async function loginWith(center: CenterClient, email: string, password: string, kdf: KdfParams): Promise<OwnerSession> {
  const secrets = await deriveOwnerSecrets(password, kdf);
  const login = await center.login({ email, authKey: secrets.authKey.toString('base64') });
  let dataKey: Buffer;
  try {
    dataKey = unwrapDataKey(secrets.kek, login.wrappedDataKey);
  } catch (cause) {
    throw new PhoneSafeError('DECRYPT_FAILED', 'the owner data key could not be unwrapped with this password', {}, { cause });
  }
  return { ownerId: login.ownerId, email, client: center.as(login.token), dataKey, keys: new OwnerKeys(dataKey) };
}

/**
 * Registers a new owner: the data key is made here and leaves only wrapped
 * with a key derived from the password (docs/design/encryption.md). The
 * center answers a taken address as it answers a new one (so registration
 * cannot tell who is registered), so whether it took is read from the
 * prelogin answer after it: our own salt back means the address is now
 * ours. A taken address answers the parameters it is registered with.
 */
async function tryRegister(
  center: CenterClient,
  email: string,
  password: string,
  cost: KdfCost,
): Promise<OwnerSession | { taken: KdfParams }> {
  const kdf = newKdfParams(cost);
  const secrets = await deriveOwnerSecrets(password, kdf);
  const dataKey = newDataKey();
  await center.registerOwner({
    email,
    authKey: secrets.authKey.toString('base64'),
    kdf,
    wrappedDataKey: wrapDataKey(secrets.kek, dataKey),
  });
  const { kdf: stored } = await center.prelogin(email);
  if (stored.salt !== kdf.salt) return { taken: stored };
  const login = await center.login({ email, authKey: secrets.authKey.toString('base64') });
  return { ownerId: login.ownerId, email, client: center.as(login.token), dataKey, keys: new OwnerKeys(dataKey) };
}

/** Registers a new owner and logs in; UNAUTHENTICATED when the address is registered already. */
export async function registerOwner(
  center: CenterClient,
  email: string,
  password: string,
  cost: KdfCost = DEFAULT_KDF_COST,
): Promise<OwnerSession> {
  const strength = passwordStrength(password, email);
  if (!strength.ok) throw new PhoneSafeError('USAGE', `the password is too weak for a new owner: ${strength.advice}`);
  const result = await tryRegister(center, email, password, cost);
  if ('taken' in result) throw new PhoneSafeError('UNAUTHENTICATED', `${email} is registered already: log in instead`);
  return result;
}

/**
 * Logs in, registering the owner first when that fails (first handset
 * enrolment). Logging in first means an owner's next handsets never
 * register again, so the owner hears of registrations only when someone
 * without the password tried one. When the registration did not take: if
 * the address answers the parameters it answered before our login, it was
 * registered all along and the password is not its own; if others, another
 * enrolment registered it meanwhile (handsets enrolled at the same time),
 * and one more login tells.
 */
export async function loginOrRegister(
  center: CenterClient,
  email: string,
  password: string,
): Promise<OwnerSession & { registered: boolean }> {
  const { kdf: before } = await center.prelogin(email);
  try {
    return { ...(await loginWith(center, email, password, before)), registered: false };
  } catch (error) {
    if (!(error instanceof PhoneSafeError) || error.code !== 'UNAUTHENTICATED') throw error;
  }
  // Only a new owner's password must be strong: an existing one still logs in above. Whether the
  // address is taken cannot be told here, so a weak password is both answers at once.
  const strength = passwordStrength(password, email);
  if (!strength.ok) {
    throw new PhoneSafeError(
      'UNAUTHENTICATED',
      `this password does not log in as ${email}, and is too weak to register a new owner: ${strength.advice}`,
    );
  }
  const result = await tryRegister(center, email, password, DEFAULT_KDF_COST);
  if (!('taken' in result)) return { ...result, registered: true };
  const anotherPassword = new PhoneSafeError(
    'UNAUTHENTICATED',
    `${email} is registered already, with another password: use that password (or another e-mail address)`,
  );
  if (sameKdf(result.taken, before)) throw anotherPassword;
  try {
    return { ...(await loginWith(center, email, password, result.taken)), registered: false };
  } catch (error) {
    throw error instanceof PhoneSafeError && error.code === 'UNAUTHENTICATED' ? anotherPassword : error;
  }
}

const sameKdf = (a: KdfParams, b: KdfParams) => a.salt === b.salt && a.N === b.N && a.r === b.r && a.p === b.p;

/**
 * Changes the owner's password (docs/design/encryption.md): the data key
 * this session holds is wrapped again with a key derived from the new
 * password under fresh KDF parameters, so nothing stored is re-sealed and
 * handsets, which keep their own credential and data key, go on working. The
 * center checks `currentPassword` like a login and ends every other session.
 */
export async function changeOwnerPassword(
  session: OwnerSession,
  currentPassword: string,
  newPassword: string,
  cost = DEFAULT_KDF_COST,
): Promise<{ endedSessions: number }> {
  const { kdf: currentKdf } = await session.client.prelogin(session.email);
  const current = await deriveOwnerSecrets(currentPassword, currentKdf);
  const kdf = newKdfParams(cost);
  const next = await deriveOwnerSecrets(newPassword, kdf);
  const wrappedDataKey = wrapDataKey(next.kek, session.dataKey);
  // What is sent must open with the new password, or the owner would lose the key.
  if (!unwrapDataKey(next.kek, wrappedDataKey).equals(session.dataKey))
    throw new PhoneSafeError('DECRYPT_FAILED', 'the data key did not wrap again');
  return session.client.changePassword({
    currentAuthKey: current.authKey.toString('base64'),
    authKey: next.authKey.toString('base64'),
    kdf,
    wrappedDataKey,
  });
}
