import { PhoneSafeError } from '../errors.ts';
import { deriveOwnerSecrets, newKdfParams, DEFAULT_KDF_COST } from '../crypto/kdf.ts';
import { newDataKey, OwnerKeys, unwrapDataKey, wrapDataKey } from '../crypto/owner-keys.ts';
import type { CenterClient } from './center-client.ts';

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
 * with a key derived from the password (docs/design/encryption.md).
 */
export async function registerOwner(center: CenterClient, email: string, password: string, cost = DEFAULT_KDF_COST): Promise<OwnerSession> {
  const kdf = newKdfParams(cost);
  const secrets = await deriveOwnerSecrets(password, kdf);
  const dataKey = newDataKey();
  await center.registerOwner({
    email,
    authKey: secrets.authKey.toString('base64'),
    kdf,
    wrappedDataKey: wrapDataKey(secrets.kek, dataKey),
  });
  return loginOwner(center, email, password);
}

/** Logs in, registering the owner first when the e-mail is new (first handset enrolment). */
export async function loginOrRegister(center: CenterClient, email: string, password: string): Promise<OwnerSession & { registered: boolean }> {
  try {
    return { ...(await registerOwner(center, email, password)), registered: true };
  } catch (error) {
    if (!(error instanceof PhoneSafeError) || error.code !== 'OWNER_EXISTS') throw error;
  }
  return { ...(await loginOwner(center, email, password)), registered: false };
}
