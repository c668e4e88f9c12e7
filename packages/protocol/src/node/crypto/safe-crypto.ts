/**
 * The public-key primitives of the electronic value safes
 * (docs/design/safes.md), on node:crypto alone: Ed25519 signatures under a
 * domain string, X25519 sealing to a public key (HKDF-SHA-256 + the PSP1
 * AES-256-GCM envelope), raw 32-byte keys and the ids made from them.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { PhoneSafeError } from '../../errors.ts';
import { open, seal } from './envelope.ts';

const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex');

export interface SigningKey {
  readonly privateKey: KeyObject;
  /** The raw 32-byte public key. */
  readonly publicRaw: Buffer;
}

export interface BoxKey {
  readonly privateKey: KeyObject;
  readonly publicRaw: Buffer;
}

/** An Ed25519 key pair from its 32-byte seed. */
export function signingKeyFromSeed(seed: Buffer): SigningKey {
  if (seed.length !== 32) throw new Error('an Ed25519 seed has 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicRaw: rawPublic(createPublicKey(privateKey), ED25519_SPKI) };
}

/** An X25519 key pair from its 32-byte private key. */
export function boxKeyFromSeed(seed: Buffer): BoxKey {
  if (seed.length !== 32) throw new Error('an X25519 private key has 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8, seed]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicRaw: rawPublic(createPublicKey(privateKey), X25519_SPKI) };
}

function rawPublic(key: KeyObject, prefix: Buffer): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(prefix.length));
}

function publicKey(raw: Uint8Array, prefix: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'spki' });
}

function domainBytes(domain: string, message: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${domain}\0`, 'utf8'), message]);
}

/** Ed25519 over `domain ‖ 0 ‖ message`: a signature for one purpose cannot stand for another. */
export function signUnder(key: SigningKey, domain: string, message: Uint8Array): Buffer {
  return sign(null, domainBytes(domain, message), key.privateKey);
}

/** Whether `signature` is `signUnder(key, domain, message)` for the raw public key; false for any malformed input. */
export function verifyUnder(publicRaw: Uint8Array, domain: string, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicRaw.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, domainBytes(domain, message), publicKey(publicRaw, ED25519_SPKI), signature);
  } catch {
    return false;
  }
}

const SEAL_TO = 'phonesafe/v1/seal-to/';

/** Seals `plain` so that only the holder of the X25519 key `recipientRaw` opens it: eph.pub(32) ‖ PSP1 envelope. */
export function sealTo(recipientRaw: Uint8Array, plain: Uint8Array, purpose: string): Buffer {
  const eph = generateKeyPairSync('x25519');
  const ephRaw = rawPublic(eph.publicKey, X25519_SPKI);
  const key = sealKey(
    diffieHellman({ privateKey: eph.privateKey, publicKey: publicKey(recipientRaw, X25519_SPKI) }),
    ephRaw,
    recipientRaw,
    purpose,
  );
  return Buffer.concat([ephRaw, seal(key, plain, Buffer.from(SEAL_TO + purpose))]);
}

/** Opens a `sealTo` message; DECRYPT_FAILED for anything else. */
export function openSealedTo(box: BoxKey, sealed: Uint8Array, purpose: string): Buffer {
  if (sealed.length < 32) throw new PhoneSafeError('DECRYPT_FAILED', 'sealed message too short');
  const ephRaw = Buffer.from(sealed.subarray(0, 32));
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: box.privateKey, publicKey: publicKey(ephRaw, X25519_SPKI) });
  } catch (cause) {
    throw new PhoneSafeError('DECRYPT_FAILED', 'sealed message has no valid ephemeral key', {}, { cause });
  }
  const key = sealKey(shared, ephRaw, box.publicRaw, purpose);
  return open(key, sealed.subarray(32), Buffer.from(SEAL_TO + purpose)).plain;
}

function sealKey(shared: Buffer, ephRaw: Uint8Array, recipientRaw: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephRaw, recipientRaw]), SEAL_TO + purpose, 32));
}

/** HKDF-SHA-256 with a salt and binary info (the card's value keys). */
export function hkdfSalted(ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}

export function sha256(bytes: Uint8Array | string): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** The card id: the first 32 hex digits of SHA-256 of its signing public key. */
export function cardIdOf(signPub: Uint8Array): string {
  return sha256(signPub).toString('hex').slice(0, 32);
}

/** The safe id: "sf_" and the first 16 hex digits of SHA-256 of its signing public key. */
export function safeIdOf(signPub: Uint8Array): string {
  return `sf_${sha256(signPub).toString('hex').slice(0, 16)}`;
}

/** How a safe's key is shown and compared by hand. */
export function fingerprintOf(signPub: Uint8Array): string {
  return `ed25519:${Buffer.from(signPub).toString('hex')}`;
}

export function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

export function fromB64url(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}

export const CARD_REQUEST_DOMAIN = 'phonesafe/v1/card/request';
export const CARD_RECORD_DOMAIN = 'phonesafe/v1/card/record';
export const SAFE_CERTIFICATE_DOMAIN = 'phonesafe/v1/safe/certificate';

/** The bytes a card signs for one request (docs/design/safes.md, "Signed card requests"). */
export function cardRequestBytes(r: {
  method: string;
  path: string;
  body: Uint8Array;
  audience: string;
  at: string;
  nonce: string;
}): Buffer {
  return Buffer.from([r.method, r.path, sha256(r.body).toString('hex'), r.audience, r.at, r.nonce].join('\0'), 'utf8');
}
