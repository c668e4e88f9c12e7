/**
 * The owners' storage port: accounts, login tokens and the quota settings
 * kept on the owner row. The contracts every repository keeps are stated in
 * center-store.ts.
 */
import type { KdfParams } from '@phonesafe/protocol';

export interface OwnerRow {
  id: string;
  email: string;
  authHash: string;
  kdf: KdfParams;
  wrappedDataKey: string;
  createdAt: string;
}

/** The owner's recovery key as the center keeps it (encryption.md): the hash of its auth key, the data key it wraps. */
export interface RecoveryRow {
  authHash: string;
  wrappedDataKey: string;
}

export interface SecretsChange {
  ownerId: string;
  expectedAuthHash: string;
  authHash: string;
  kdf: KdfParams;
  wrappedDataKey: string;
  keepTokenId: string;
}

export interface OwnerRepo {
  /** Throws PhoneSafeError OWNER_EXISTS when the e-mail is taken. */
  create(row: OwnerRow): Promise<void>;
  findByEmail(email: string): Promise<OwnerRow | undefined>;
  findById(id: string): Promise<OwnerRow | undefined>;
  addToken(token: { id: string; ownerId: string; secretHash: string; expiresAt: string }): Promise<void>;
  findToken(id: string): Promise<{ ownerId: string; secretHash: string; expiresAt: string } | undefined>;
  deleteExpiredTokens(now: string): Promise<number>;
  /** Logout: the token is refused from now on. Idempotent. */
  deleteToken(id: string): Promise<void>;
  /**
   * A password change, in one transaction: replaces the auth hash, KDF
   * parameters and wrapped data key, and deletes every token of the owner
   * but `keepTokenId` (the other sessions end). Only while the stored hash
   * is still `expectedAuthHash` (the one the current password was checked
   * against): otherwise another change came first, nothing changes and the
   * answer is undefined. Answers how many tokens were deleted.
   */
  changeSecrets(change: SecretsChange): Promise<number | undefined>;
  /** Sets or replaces the owner's recovery key. */
  setRecovery(ownerId: string, recovery: RecoveryRow): Promise<void>;
  /** The owner's recovery key; undefined without one. */
  recovery(ownerId: string): Promise<RecoveryRow | undefined>;
  /** The owner's quota override, set by the operator; null when the center's default applies. */
  quotaBytes(ownerId: string): Promise<number | null>;
  setQuotaBytes(ownerId: string, bytes: number | null): Promise<void>;
  /** The owner's own lower limit; null when it has none. */
  quotaLimitBytes(ownerId: string): Promise<number | null>;
  setQuotaLimitBytes(ownerId: string, bytes: number | null): Promise<void>;
}
