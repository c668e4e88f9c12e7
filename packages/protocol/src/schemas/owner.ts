import { z } from 'zod';
import { Base64, Email, HandsetName, Id, Timestamp } from './common.ts';
import { PhoneNumber } from './phone.ts';
import { NewCodeNumber } from './rescue.ts';

/**
 * Key-derivation parameters. The owner's password never leaves the client:
 * scrypt(password, salt) yields a master secret from which the client derives
 * an auth key (sent to the center, which hashes it again) and a key-encryption
 * key (never sent) that wraps the owner's data key.
 */
export const KdfParams = z.strictObject({
  algorithm: z.literal('scrypt'),
  salt: Base64,
  N: z.number().int().min(1024).max(1 << 20),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
});
export type KdfParams = z.infer<typeof KdfParams>;

export const PreloginRequest = z.strictObject({ email: Email });
export const PreloginResponse = z.strictObject({ kdf: KdfParams });

/** 32 bytes, base64: the auth key derived on the client (encryption.md). */
const AuthKey = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'an auth key is 32 bytes of base64');

export const RegisterOwnerRequest = z.strictObject({
  email: Email,
  authKey: AuthKey,
  kdf: KdfParams,
  /** The owner data key sealed with the key-encryption key (see crypto/envelope). */
  wrappedDataKey: Base64,
});
export const RegisterOwnerResponse = z.strictObject({ ownerId: Id });

export const LoginRequest = z.strictObject({ email: Email, authKey: AuthKey });
export const LoginResponse = z.strictObject({
  ownerId: Id,
  token: z.string(),
  expiresAt: Timestamp,
  kdf: KdfParams,
  wrappedDataKey: Base64,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/** `phone` (MSISDN) and `code` (rescue desk code number, seed 004) are optional; a replacement handset is enrolled with the same phone. */
export const EnrollHandsetRequest = z.strictObject({
  name: HandsetName,
  phone: PhoneNumber.optional(),
  code: NewCodeNumber.optional(),
});
export const EnrollHandsetResponse = z.strictObject({
  handsetId: Id,
  name: HandsetName,
  /** Bearer credential for this handset alone; the center keeps only its hash. */
  credential: z.string(),
  /**
   * Whether the handset's phone number has a rescue desk code number now:
   * given with this enrolment or set before (a replacement enrolled with a
   * lost handset's number keeps its code). False without a phone number.
   */
  rescueCode: z.boolean(),
});
export type EnrollHandsetResponse = z.infer<typeof EnrollHandsetResponse>;

export const HandsetInfo = z.strictObject({
  handsetId: Id,
  name: HandsetName,
  enrolledAt: Timestamp,
  lastSeenAt: Timestamp.nullable(),
});
export type HandsetInfo = z.infer<typeof HandsetInfo>;
export const HandsetList = z.strictObject({ handsets: z.array(HandsetInfo) });

export const WhoAmIResponse = z.strictObject({
  ownerId: Id,
  handsetId: Id.nullable(),
  handsetName: HandsetName.nullable(),
});
