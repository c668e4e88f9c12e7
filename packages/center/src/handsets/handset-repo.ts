/** The handsets' storage port. The contracts every repository keeps are stated in center-store.ts. */
export interface HandsetRow {
  id: string;
  ownerId: string;
  name: string;
  credentialHash: string;
  enrolledAt: string;
  lastSeenAt: string | null;
  /** The handset's phone number (rescue desk); null when enrolled without one. */
  phone: string | null;
  /**
   * When a rescue erased this handset (R2): its credential works no more, so a
   * finder cannot reach the owner's data through it. Found again, it is
   * enrolled anew.
   */
  revokedAt: string | null;
}

export interface HandsetRepo {
  /** Throws PhoneSafeError HANDSET_NAME_TAKEN when the owner has one by that name. */
  create(row: HandsetRow): Promise<void>;
  findById(id: string): Promise<HandsetRow | undefined>;
  findByName(ownerId: string, name: string): Promise<HandsetRow | undefined>;
  listByOwner(ownerId: string): Promise<HandsetRow[]>;
  /** The handset most recently enrolled with this phone number, of any owner. */
  newestByPhone(phone: string): Promise<HandsetRow | undefined>;
  touch(id: string, at: string): Promise<void>;
  /**
   * Sets revoked_at (the first time is kept); answers true when this call
   * revoked it. The handset's first step of a revocation (handset-revocation.ts),
   * which also takes away its work, in the same transaction.
   */
  revoke(id: string, at: string): Promise<boolean>;
}
