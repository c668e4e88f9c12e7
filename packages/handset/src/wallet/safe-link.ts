/**
 * The card's way to one pinned safe: the safe's key is fetched and compared
 * with the pinned one before anything is sent (SAFE_KEY_MISMATCH otherwise),
 * and owner registration at that safe when the first value with owner
 * authentication goes there.
 */
import { PhoneSafeError, type Clock } from '@phonesafe/protocol';
import { b64url, fromB64url, SafeClient, sealTo } from '@phonesafe/protocol/node';
import type { AuthDevice } from '../authdev/auth-device.ts';
import type { Card } from '../card/card.ts';
import type { CardJournal, PinnedSafe } from '../card/card-journal.ts';
import { accessKey } from './owner-access.ts';

export interface WalletDeps {
  card: Card;
  journal: CardJournal;
  clock: Clock;
  scryptN: number;
  /** V12: the authentication device given for this deposit or recovery (a deposit then registers its key). */
  device?: AuthDevice;
}

export interface SafeLink {
  safe: PinnedSafe;
  client: SafeClient;
  signPub: Buffer;
  boxPub: Buffer;
}

export async function linkTo(deps: WalletDeps, safe: PinnedSafe): Promise<SafeLink> {
  const info = await SafeClient.info(safe.url, safe.ca ?? undefined);
  if (info.signPub !== safe.sign_pub || info.safeId !== safe.safe_id) {
    throw new PhoneSafeError('SAFE_KEY_MISMATCH', `the safe at ${safe.url} answers with key ${info.fingerprint}, not the pinned one`);
  }
  const client = new SafeClient({
    url: safe.url,
    card: deps.card.keys.sign,
    audience: safe.safe_id,
    clock: deps.clock,
    ...(safe.ca ? { ca: safe.ca } : {}),
  });
  return { safe, client, signPub: fromB64url(safe.sign_pub), boxPub: fromB64url(safe.box_pub) };
}

/** The owner's reference at this safe, registering the owner there on first use. */
export async function ownerAt(deps: WalletDeps, link: SafeLink, pin: string): Promise<string> {
  if (link.safe.owner_ref) return link.safe.owner_ref;
  const { ownerEmail, ownerSalt } = deps.card.meta();
  if (!ownerEmail || !ownerSalt) throw new PhoneSafeError('USAGE', 'set the wallet owner first: handset wallet setup --owner EMAIL');
  const key = await accessKey(pin, ownerSalt, link.safe.safe_id, deps.scryptN);
  const { ownerRef } = await link.client.registerOwner({
    owner: ownerEmail,
    salt: ownerSalt,
    access: b64url(sealTo(link.boxPub, key, 'owner-register')),
  });
  deps.journal.setOwnerRef(link.safe.safe_id, ownerRef);
  return ownerRef;
}

/** A proof of the PIN for one request (bound to its nonce), sealed to the safe. */
export async function proofFor(deps: WalletDeps, link: SafeLink, pin: string, nonce: string): Promise<string> {
  const salt = deps.card.meta().ownerSalt;
  if (!salt) throw new PhoneSafeError('USAGE', 'this card has no wallet owner');
  const key = await accessKey(pin, salt, link.safe.safe_id, deps.scryptN);
  return b64url(sealTo(link.boxPub, Buffer.concat([key, Buffer.from(nonce)]), 'owner-proof'));
}
