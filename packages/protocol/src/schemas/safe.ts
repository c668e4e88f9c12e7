/**
 * The wire of the electronic value safes (docs/design/safes.md): the card's
 * signed deposit record, the safe's certificate, and the requests around
 * them. Records and certificates travel as base64url bytes plus a signature
 * over exactly those bytes; these schemas also parse the decoded JSON.
 */
import { z } from 'zod';

export const B64Url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url');
const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'hex SHA-256');
const Id = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'a random id of 16 to 64 base64url characters');
export const Semantics = z.enum(['bearer', 'secret']);
export type Semantics = z.infer<typeof Semantics>;

/** The digest 302: the fields the card's setting names (default class, name, qty, validity, place); may be null. */
export const ValueDigest = z
  .record(z.string().max(32), z.union([z.string().max(256), z.number(), z.null(), z.record(z.string(), z.string().nullable())]))
  .nullable();
export type ValueDigest = z.infer<typeof ValueDigest>;

export const DepositHeader = z.strictObject({
  v: z.literal(1),
  type: z.literal('phonesafe.deposit'),
  audience: z.string().max(64),
  class: z.string().min(1).max(64),
  semantics: Semantics,
  valueId: z.string().regex(/^[0-9a-f]{32}$/),
  generation: z.number().int().positive(),
  digest: ValueDigest,
  ct: z.strictObject({ alg: z.literal('PSP1/AES-256-GCM'), sha256: Hex64, size: z.number().int().nonnegative() }),
  dekSalt: B64Url.max(64),
  card: z.strictObject({ id: z.string().regex(/^[0-9a-f]{32}$/), signPub: B64Url.max(64) }),
  owner: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .nullable(),
  at: z.iso.datetime(),
  /** V12: the authentication device's public key (b64url) a release needs an answer of; absent: none. */
  device: B64Url.max(64).optional(),
});
export type DepositHeader = z.infer<typeof DepositHeader>;

export const SignedRecord = z.strictObject({ header: B64Url.max(8192), sig: B64Url.max(128), body: B64Url });
export type SignedRecord = z.infer<typeof SignedRecord>;

export const CertificateBody = z.strictObject({
  v: z.literal(1),
  type: z.literal('phonesafe.certificate'),
  safe: z.strictObject({ id: z.string(), url: z.string() }),
  serial: z.number().int().nonnegative(),
  hash: Hex64,
  digest: ValueDigest,
  class: z.string(),
  semantics: Semantics,
  valueId: z.string(),
  generation: z.number().int().positive(),
  card: z.string(),
  owner: z.string().nullable(),
  record: Hex64,
  registeredAt: z.iso.datetime(),
});
export type CertificateBody = z.infer<typeof CertificateBody>;

export const Certificate = z.strictObject({ body: B64Url.max(8192), sig: B64Url.max(128) });
export type Certificate = z.infer<typeof Certificate>;

export const SafeInfo = z.strictObject({
  safeId: z.string(),
  name: z.string(),
  signPub: B64Url,
  boxPub: B64Url,
  fingerprint: z.string(),
});
export type SafeInfo = z.infer<typeof SafeInfo>;

export const DepositRequest = z.strictObject({ depositKey: Id, record: SignedRecord });
export type DepositRequest = z.infer<typeof DepositRequest>;

export const DepositAnswer = z.strictObject({ certificate: Certificate });

/** V12: a safe's challenge (its exact body bytes and signature) and the device's answer to it. */
export const DeviceChallenge = z.strictObject({ body: B64Url.max(1024), sig: B64Url.max(128) });
export type DeviceChallenge = z.infer<typeof DeviceChallenge>;
export const DeviceAnswer = z.strictObject({ challenge: DeviceChallenge, answer: B64Url.max(128) });
export type DeviceAnswer = z.infer<typeof DeviceAnswer>;
export const ChallengeRequest = z.strictObject({ certificate: Certificate });
export const ChallengeAnswer = z.strictObject({ challenge: DeviceChallenge });

export const ReleaseRequest = z.strictObject({
  certificate: Certificate,
  releaseId: Id,
  proof: B64Url.max(512).optional(),
  device: DeviceAnswer.optional(),
});
export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

export const ReleaseAnswer = z.strictObject({ record: SignedRecord });

export const ConfirmRequest = z.strictObject({ certificate: Certificate, releaseId: Id });
export type ConfirmRequest = z.infer<typeof ConfirmRequest>;

export const ReleaseState = z.enum(['deposited', 'releasing', 'released', 'destroyed']);
export type ReleaseState = z.infer<typeof ReleaseState>;
export const ConfirmAnswer = z.strictObject({ state: ReleaseState });

export const WithdrawRequest = z.strictObject({ certificate: Certificate });

export const OwnerRegister = z.strictObject({ owner: z.string().min(3).max(254), salt: B64Url.max(64), access: B64Url.max(512) });
export type OwnerRegister = z.infer<typeof OwnerRegister>;
export const OwnerRegistered = z.strictObject({ ownerRef: z.string() });
