/**
 * The card's side of a deposit (docs/design/safes.md), once for the handset
 * and for tests: card keys from the card seed, the sealed and signed record,
 * the checks a card makes on a certificate before it frees a value, and the
 * opening of a released record.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { PhoneSafeError } from '../../errors.ts';
import {
  CertificateBody,
  DepositHeader,
  type Certificate,
  type Semantics,
  type SignedRecord,
  type ValueDigest,
} from '../../schemas/safe.ts';
import { open, seal } from './envelope.ts';
import { hkdf } from './kdf.ts';
import {
  b64url,
  CARD_RECORD_DOMAIN,
  cardIdOf,
  fromB64url,
  hkdfSalted,
  SAFE_CERTIFICATE_DOMAIN,
  sha256,
  signingKeyFromSeed,
  signUnder,
  verifyUnder,
  type SigningKey,
} from './safe-crypto.ts';

export interface CardKeys {
  sign: SigningKey;
  dekRoot: Buffer;
  cardId: string;
}

export function cardKeysFromSeed(cardSeed: Buffer): CardKeys {
  const sign = signingKeyFromSeed(hkdf(cardSeed, 'phonesafe/v1/card/sign'));
  return { sign, dekRoot: hkdf(cardSeed, 'phonesafe/v1/card/dek-root'), cardId: cardIdOf(sign.publicRaw) };
}

export interface RecordInput {
  audience: string;
  valueId: string;
  generation: number;
  class: string;
  semantics: Semantics;
  digest: ValueDigest;
  owner: string | null;
  at: Date;
  value: Buffer;
  /** V12: the authentication device's public key (b64url) a release will need an answer of. */
  device?: string;
}

function dekOf(card: CardKeys, dekSalt: Buffer, valueId: string, generation: number): Buffer {
  return hkdfSalted(card.dekRoot, dekSalt, `phonesafe/v1/card/dek\0${valueId}\0${generation}`);
}

function aadOf(card: CardKeys, valueId: string, generation: number): Buffer {
  return Buffer.from(`phonesafe/v1/card/value\0${valueId}\0${generation}\0${card.cardId}`);
}

/** Seals the value under a fresh one-time key and signs the header with the card's signing key. */
export function makeRecord(card: CardKeys, input: RecordInput): { record: SignedRecord; header: DepositHeader } {
  const dekSalt = randomBytes(16);
  const ct = seal(dekOf(card, dekSalt, input.valueId, input.generation), input.value, aadOf(card, input.valueId, input.generation));
  const header: DepositHeader = {
    v: 1,
    type: 'phonesafe.deposit',
    audience: input.audience,
    class: input.class,
    semantics: input.semantics,
    valueId: input.valueId,
    generation: input.generation,
    digest: input.digest,
    ct: { alg: 'PSP1/AES-256-GCM', sha256: sha256(ct).toString('hex'), size: ct.length },
    dekSalt: b64url(dekSalt),
    card: { id: card.cardId, signPub: b64url(card.sign.publicRaw) },
    owner: input.owner,
    at: input.at.toISOString(),
    ...(input.device === undefined ? {} : { device: input.device }),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const record = { header: b64url(headerBytes), sig: b64url(signUnder(card.sign, CARD_RECORD_DOMAIN, headerBytes)), body: b64url(ct) };
  return { record, header };
}

function invalid(detail: string): PhoneSafeError {
  return new PhoneSafeError('SAFE_CERTIFICATE_INVALID', detail);
}

/**
 * The card's checks before it keeps a certificate and frees the value: the
 * pinned safe's signature, its id, this card, the fields it sent, the digest,
 * the hash of the bytes it sent and the hash of its header.
 */
export function checkCertificate(
  certificate: Certificate,
  expected: { safeSignPub: Buffer; safeId: string; card: CardKeys; record: SignedRecord; header: DepositHeader },
): CertificateBody {
  const bytes = fromB64url(certificate.body);
  if (!verifyUnder(expected.safeSignPub, SAFE_CERTIFICATE_DOMAIN, bytes, fromB64url(certificate.sig))) {
    throw invalid('the certificate is not signed by the pinned key of this safe');
  }
  const parsed = CertificateBody.safeParse(parseJson(bytes));
  if (!parsed.success) throw invalid('the certificate body is malformed');
  const body = parsed.data;
  const h = expected.header;
  const problems: Array<[boolean, string]> = [
    [body.safe.id === expected.safeId, 'it names another safe'],
    [body.card === expected.card.cardId, 'it names another card'],
    [body.class === h.class && body.semantics === h.semantics, 'its class or semantics differ from what was sent'],
    [body.valueId === h.valueId && body.generation === h.generation, 'its value id or generation differ'],
    [isDeepStrictEqual(body.digest, h.digest), 'its digest differs from the value’s'],
    [body.hash === sha256(fromB64url(expected.record.body)).toString('hex'), 'its hash is not that of the bytes sent'],
    [body.record === sha256(fromB64url(expected.record.header)).toString('hex'), 'it binds another record'],
    [body.owner === h.owner, 'it names another owner'],
  ];
  const failed = problems.find(([ok]) => !ok);
  if (failed) throw invalid(`the certificate does not match the deposit: ${failed[1]}`);
  return body;
}

/** Opens a released record: the card's own signature, the certificate's hashes, then the decryption (E2 (2-12)). */
export function openRecord(card: CardKeys, record: SignedRecord, certificate: CertificateBody): { header: DepositHeader; value: Buffer } {
  const headerBytes = fromB64url(record.header);
  if (!verifyUnder(card.sign.publicRaw, CARD_RECORD_DOMAIN, headerBytes, fromB64url(record.sig))) {
    throw new PhoneSafeError('SAFE_SIGNATURE_INVALID', 'the released record does not carry this card’s signature');
  }
  const parsed = DepositHeader.safeParse(parseJson(headerBytes));
  const body = fromB64url(record.body);
  if (!parsed.success || sha256(headerBytes).toString('hex') !== certificate.record || sha256(body).toString('hex') !== certificate.hash) {
    throw new PhoneSafeError('SAFE_SIGNATURE_INVALID', 'the released record is not the one the certificate names');
  }
  const header = parsed.data;
  const dek = dekOf(card, fromB64url(header.dekSalt), header.valueId, header.generation);
  return { header, value: open(dek, body, aadOf(card, header.valueId, header.generation)).plain };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** One value sealed on its own under its own one-time key: V7's "encrypt, then couple" order. */
export interface SealedPiece {
  valueId: string;
  generation: number;
  dekSalt: string;
  ct: string;
}

function pieceAad(card: CardKeys, valueId: string, generation: number): Buffer {
  return Buffer.from(`phonesafe/v1/card/piece\0${valueId}\0${generation}\0${card.cardId}`);
}

export function sealPiece(card: CardKeys, valueId: string, generation: number, value: Buffer): SealedPiece {
  const dekSalt = randomBytes(16);
  const ct = seal(dekOf(card, dekSalt, valueId, generation), value, pieceAad(card, valueId, generation));
  return { valueId, generation, dekSalt: b64url(dekSalt), ct: b64url(ct) };
}

export function openPiece(card: CardKeys, piece: SealedPiece): Buffer {
  const dek = dekOf(card, fromB64url(piece.dekSalt), piece.valueId, piece.generation);
  return open(dek, fromB64url(piece.ct), pieceAad(card, piece.valueId, piece.generation)).plain;
}
