import { z } from 'zod';
import { Base64, Email, HandsetName, Id, Timestamp } from './common.ts';
import { PhoneNumber } from './phone.ts';
import { NewCodeNumber } from './rescue.ts';

/**
 * scrypt's cost bounds (encryption.md): a phone derives with these, so they
 * are bounded to what one can afford, and a client refuses anything else
 * from a center (a prelogin or login answer) before deriving: a hostile
 * center must not make it allocate gigabytes. scrypt needs 128 · N · r bytes
 * per lane; the bound counts p lanes (and so CPU time) too.
 */
export const KDF_BOUNDS = {
  minN: 1 << 14,
  maxN: 1 << 20,
  minR: 8,
  maxR: 16,
  maxP: 4,
  maxBytes: 256 * 1024 * 1024,
  minSaltBytes: 16,
  maxSaltBytes: 64,
} as const;

const isPowerOfTwo = (n: number) => (n & (n - 1)) === 0;
/**
 * The bytes a `Base64` text decodes to, counted as Node's decoder does
 * (padding ignored, a trailing partial group dropped), without Buffer, so
 * the schema parses in a browser too.
 */
const base64Bytes = (text: string) => Math.floor((text.replace(/=+$/, '').length * 3) / 4);

/**
 * Key-derivation parameters. The owner's password never leaves the client:
 * scrypt(password, salt) yields a master secret from which the client derives
 * an auth key (sent to the center, which hashes it again) and a key-encryption
 * key (never sent) that wraps the owner's data key.
 */
export const KdfParams = z
  .strictObject({
    algorithm: z.literal('scrypt'),
    salt: Base64.refine((salt) => {
      const bytes = base64Bytes(salt);
      return bytes >= KDF_BOUNDS.minSaltBytes && bytes <= KDF_BOUNDS.maxSaltBytes;
    }, `the salt is ${KDF_BOUNDS.minSaltBytes}-${KDF_BOUNDS.maxSaltBytes} bytes`),
    N: z.number().int().min(KDF_BOUNDS.minN).max(KDF_BOUNDS.maxN).refine(isPowerOfTwo, 'N is a power of two'),
    r: z.number().int().min(KDF_BOUNDS.minR).max(KDF_BOUNDS.maxR),
    p: z.number().int().min(1).max(KDF_BOUNDS.maxP),
  })
  .refine((kdf) => 128 * kdf.N * kdf.r * kdf.p <= KDF_BOUNDS.maxBytes, {
    message: `128 · N · r · p is at most ${KDF_BOUNDS.maxBytes} bytes (256 MiB)`,
    path: ['N'],
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

/**
 * `PUT /v1/owners/password`: the current password's auth key (checked like a
 * login) and the new secrets, derived on the client; the data key itself is
 * unchanged, only wrapped again with the new key-encryption key.
 */
export const ChangePasswordRequest = z.strictObject({
  currentAuthKey: AuthKey,
  authKey: AuthKey,
  kdf: KdfParams,
  wrappedDataKey: Base64,
});
/**
 * Recovery key (issue 11, encryption.md): `PUT /v1/owners/recovery` sets (or
 * replaces) the auth key derived from it and the data key wrapped with the
 * key-encryption key derived from it; the key itself never leaves the client.
 */
export const SetRecoveryRequest = z.strictObject({ recoveryAuthKey: AuthKey, wrappedDataKey: Base64 });
/** `POST /v1/owners/recovery/open`: the recovery-wrapped data key, for the holder of the recovery key. */
export const OpenRecoveryRequest = z.strictObject({ email: Email, recoveryAuthKey: AuthKey });
export const OpenRecoveryResponse = z.strictObject({ wrappedDataKey: Base64 });
/** `POST /v1/owners/recover`: a new password's secrets, for the holder of the recovery key; every session ends. */
export const RecoverRequest = z.strictObject({
  email: Email,
  recoveryAuthKey: AuthKey,
  authKey: AuthKey,
  kdf: KdfParams,
  wrappedDataKey: Base64,
});

/** How many other sessions (owner tokens) the change ended. */
export const ChangePasswordResponse = z.strictObject({ endedSessions: z.number().int().nonnegative() });
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
  /** The phone number it was enrolled with (rescue desk), if any. */
  phone: z.string().nullable(),
  /** When its credential was revoked (by the owner, or after a rescue erase); null while it works. */
  revokedAt: Timestamp.nullable(),
});
export type HandsetInfo = z.infer<typeof HandsetInfo>;
export const HandsetList = z.strictObject({ handsets: z.array(HandsetInfo) });

export const WhoAmIResponse = z.strictObject({
  ownerId: Id,
  handsetId: Id.nullable(),
  handsetName: HandsetName.nullable(),
});
