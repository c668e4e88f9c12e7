/**
 * The one error registry. Every failure that crosses a boundary (HTTP answer,
 * CLI exit, handset retry decision) carries one of these codes. Codes are
 * stable: clients and scripts match on them, so never rename one.
 *
 * `status` is the HTTP status the center answers with; `retryable` tells a
 * client whether sending the same request again later can succeed. Clients
 * decide whether to retry on `retryable`, never on a list of codes.
 *
 * The codes below are the first area's and stay unprefixed. Each new area
 * gets codes with its own prefix (`SYNC_…` for SIM sync, `MAIL_…` for backup
 * by e-mail, `SAFE_…` for the electronic-value safes), so a code says where
 * it comes from and two areas never share a flat name like NOT_FOUND.
 */
export const ERRORS = {
  BAD_REQUEST: { status: 400, retryable: false, title: 'The request is malformed' },
  VALIDATION_FAILED: { status: 400, retryable: false, title: 'The request does not match its schema' },
  UNAUTHENTICATED: { status: 401, retryable: false, title: 'Credentials are missing or wrong' },
  CREDENTIAL_REVOKED: {
    status: 401,
    retryable: false,
    title: "This handset's credential is revoked (by its owner, or after a rescue erase)",
  },
  FORBIDDEN: { status: 403, retryable: false, title: 'Not allowed for this owner or handset' },
  NOT_FOUND: { status: 404, retryable: false, title: 'No such resource' },
  // No longer sent: a taken address is answered like a new one (wire-protocol.md). Kept, as codes are never removed.
  OWNER_EXISTS: { status: 409, retryable: false, title: 'An owner with this e-mail address exists' },
  HANDSET_NAME_TAKEN: { status: 409, retryable: false, title: 'The owner already has a handset with this name' },
  RESCUE_IN_PROGRESS: {
    status: 409,
    retryable: false,
    title: 'A rescue of this phone number still needs its code number; it cannot change until the rescue ends',
  },
  HANDSET_REVOKED: { status: 409, retryable: false, title: 'The handset is revoked and takes no new work' },
  BACKUP_NOT_OPEN: { status: 409, retryable: false, title: 'The backup is not open for transfer' },
  BACKUP_KEPT: { status: 409, retryable: false, title: 'The backup is kept for good: let it go first (pc keep --undo)' },
  RESTORE_NOT_PENDING: { status: 409, retryable: false, title: 'The restore order is no longer pending' },
  PART_CONFLICT: { status: 409, retryable: false, title: 'A part with this id is stored with other bytes' },
  PART_TOO_LARGE: { status: 413, retryable: false, title: 'The part is larger than the center accepts' },
  BODY_TOO_LARGE: { status: 413, retryable: false, title: 'The request body is larger than this endpoint accepts' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, title: 'Unsupported content type' },
  UPGRADE_REQUIRED: { status: 426, retryable: false, title: 'This endpoint is a WebSocket: send an Upgrade request' },
  HEADERS_TOO_LARGE: { status: 431, retryable: false, title: 'The request headers are larger than the center accepts' },
  REQUEST_TIMEOUT: { status: 408, retryable: true, title: 'The request did not arrive in time' },
  PART_HASH_MISMATCH: { status: 422, retryable: false, title: 'The part bytes do not match the declared hash' },
  PART_MISSING: { status: 422, retryable: false, title: 'The end notice names parts the center does not have' },
  END_NOTICE_MISMATCH: { status: 422, retryable: false, title: 'The end notice does not match the parts received' },
  QUOTA_EXCEEDED: { status: 422, retryable: false, title: 'The owner is over quota' },
  CONTROL_EXPIRED: { status: 410, retryable: false, title: 'The control number has expired; its saved data was erased' },
  LOCKED: { status: 429, retryable: true, title: 'Too many wrong tries; locked for a while' },
  RATE_LIMITED: { status: 429, retryable: true, title: 'Too many messages; slow down' },
  PART_DAMAGED: { status: 500, retryable: false, title: 'A stored part is damaged' },
  DATABASE_DAMAGED: { status: 500, retryable: false, title: "The center's database failed its integrity check" },
  INTERNAL: { status: 500, retryable: true, title: 'Internal error' },
  UNAVAILABLE: { status: 503, retryable: true, title: 'The center is unavailable' },
  STORAGE_FULL: { status: 507, retryable: true, title: 'The center is out of storage space; try again later' },
  // Electronic value safes (docs/design/safes.md).
  SAFE_RECORD_INVALID: { status: 422, retryable: false, title: 'The deposit record is malformed, unsigned or does not match its body' },
  SAFE_VALUE_TOO_LARGE: { status: 413, retryable: false, title: 'The value is larger than this safe accepts' },
  SAFE_DEPOSIT_CONFLICT: { status: 409, retryable: false, title: 'This deposit key was used for another record' },
  SAFE_CERTIFICATE_INVALID: { status: 422, retryable: false, title: 'The certificate is not one this safe (or the pinned safe) signed' },
  SAFE_CERTIFICATE_MISMATCH: { status: 422, retryable: false, title: 'No deposit matches the certificate exactly; the recovery stops' },
  SAFE_ALREADY_RECOVERED: { status: 410, retryable: false, title: 'This deposit was already released; only its tombstone remains' },
  SAFE_RELEASE_PENDING: { status: 409, retryable: true, title: 'Another release of this deposit is under way' },
  SAFE_WITHDRAW_REFUSED: { status: 409, retryable: false, title: 'A bearer deposit cannot be withdrawn; recover it instead' },
  SAFE_REQUEST_INVALID: { status: 401, retryable: false, title: 'The card request is unsigned, badly signed or out of its time window' },
  SAFE_REQUEST_REPLAYED: { status: 401, retryable: false, title: 'This card request was seen before' },
  SAFE_OWNER_EXISTS: { status: 409, retryable: false, title: 'This owner is already registered at the safe' },
  SAFE_PIN_MISMATCH: { status: 401, retryable: false, title: 'Wrong owner PIN' },
  SAFE_ESCROW_DESTROYED: { status: 410, retryable: false, title: "Too many wrong PINs: the safe destroyed this owner's escrowed material" },
  SAFE_KEY_MISMATCH: { status: 0, retryable: false, title: "The safe's key is not the one pinned for it" },
  SAFE_CARD_FULL: { status: 0, retryable: false, title: 'The IC card has not enough free space' },
  SAFE_STALE_GENERATION: { status: 0, retryable: false, title: 'The value is older than one the card already held' },
  SAFE_SIGNATURE_INVALID: { status: 0, retryable: false, title: "A record's card signature does not verify" },
  SAFE_DEVICE_MISMATCH: { status: 401, retryable: false, title: 'The authentication device did not answer, or another device did' },
  SAFE_PIECE_MISMATCH: { status: 0, retryable: false, title: 'The pieces of a divided value do not make one value' },
  // SIM sync (seed 002, docs/design/sync.md).
  SYNC_NOT_BOUND: { status: 403, retryable: false, title: 'This terminal is not registered for this subscriber' },
  SYNC_SUBSCRIBER_EXISTS: { status: 409, retryable: false, title: 'A subscriber with this number exists' },
  SYNC_SESSION_UNKNOWN: { status: 404, retryable: false, title: 'No such open sync session for this handset' },
  SYNC_ITEM_TOO_LARGE: { status: 413, retryable: false, title: 'The item is larger than a sync message carries inline' },
  SYNC_KIND_NOT_TARGETED: { status: 422, retryable: false, title: 'The change is of a kind this terminal does not sync' },
  // Client-side only codes (never sent by the center).
  NETWORK: { status: 0, retryable: true, title: 'Could not reach the server' },
  DECRYPT_FAILED: { status: 0, retryable: false, title: 'Data could not be decrypted: wrong key or damaged bytes' },
  NOT_ENROLLED: { status: 0, retryable: false, title: 'This handset is not enrolled' },
  OVERWRITE_REFUSED: { status: 0, retryable: false, title: 'Restoring would overwrite data and no answer was given' },
  LOCAL_IO: { status: 0, retryable: false, title: 'A local file could not be read or written' },
  SYNC_NO_SIM: { status: 0, retryable: false, title: 'No SIM is inserted in this handset' },
  SYNC_SIM_NOT_BOUND: { status: 0, retryable: false, title: 'The SIM is mounted on an unexpected terminal; nothing was sent' },
  SYNC_PIN_WRONG: { status: 0, retryable: false, title: 'The PIN is wrong' },
  SYNC_SIM_BLOCKED: { status: 0, retryable: false, title: 'The PIN is blocked after 3 wrong tries; unblock it with the PUK' },
  SYNC_SIM_DEAD: { status: 0, retryable: false, title: 'The SIM is unusable after 10 wrong PUK tries' },
  SYNC_SIM_IN_USE: { status: 0, retryable: false, title: 'The SIM is inserted in another handset' },
  SYNC_SIM_FILE: { status: 0, retryable: false, title: 'Not a readable virtual SIM file' },
  SYNC_TERMINAL_PASSWORD_WRONG: { status: 0, retryable: false, title: 'The terminal password is wrong' },
  SYNC_ERASE_UNSAVED: { status: 0, retryable: false, title: 'Some data could not be saved to the user area first; nothing was erased' },
  SYNC_ERASE_NOT_CONFIRMED: { status: 0, retryable: false, title: 'The erase was not confirmed; nothing was erased' },
  USAGE: { status: 0, retryable: false, title: 'Wrong command usage' },
  DATA_DIR_MISSING: { status: 0, retryable: false, title: 'No PhoneSafe data in this directory' },
  DATA_DIR_IN_USE: { status: 0, retryable: true, title: 'Another process holds this data directory' },
  // Backup by mail (docs/design/mail-protocol.md); client-side only.
  MAIL_UNAVAILABLE: { status: 0, retryable: true, title: 'The mail server could not be reached or answered "try later"' },
  MAIL_REJECTED: { status: 0, retryable: false, title: 'The mail server refused the mail for good' },
  MAIL_TOO_LARGE: { status: 0, retryable: false, title: 'The mail, or the data asked for, is larger than the limits allow' },
  MAIL_TIMEOUT: { status: 0, retryable: true, title: 'No answer by mail arrived in time' },
  MAIL_REFUSED: { status: 0, retryable: false, title: 'A received mail failed its checks and was refused' },
  MAIL_INCOMPLETE: { status: 0, retryable: false, title: 'A multi-mail answer is missing parts or has damaged ones' },
  MAIL_NOT_PAIRED: { status: 0, retryable: false, title: 'There is no mail pairing (or the pairing code is not valid)' },
} as const satisfies Record<string, { status: number; retryable: boolean; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

/** A domain error. Services throw these; each edge maps `code` to its own form. */
export class PhoneSafeError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  /** Extra machine-readable facts (e.g. the list of missing part ids). */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, detail?: string, extra: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(detail ?? ERRORS[code].title, options);
    this.name = 'PhoneSafeError';
    this.code = code;
    this.detail = detail ?? ERRORS[code].title;
    this.extra = extra;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  get retryable(): boolean {
    return ERRORS[this.code].retryable;
  }
}
