/** Owners registered for owner authentication (V10): salts, the peppered verifier, the guess count. */
export interface OwnerTables {
  owners: {
    owner_ref: string;
    /** The handset's scrypt salt (base64url), handed back so a new card can stretch the PIN again [escrow]. */
    salt: string;
    server_salt: string;
    /** HMAC(pepper, scrypt(accessKey, server_salt)) in hex; null once destroyed. */
    verifier: string | null;
    max_tries: number;
    tries_left: number;
    created_at: string;
    destroyed_at: string | null;
  };
}
