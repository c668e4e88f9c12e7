import { CommanderError } from 'commander';
import { PhoneSafeError, type ErrorCode } from '@phonesafe/protocol';
import { inUserWords, type WordsContext } from './user-words.ts';

/**
 * Exit status per error code, so scripts can react without parsing text.
 * A Record over every code: adding a code to the registry fails the type
 * check here until it is given an exit status.
 */
const EXIT_CODES = {
  USAGE: 2,
  UNAUTHENTICATED: 3,
  CREDENTIAL_REVOKED: 3,
  FORBIDDEN: 3,
  NOT_ENROLLED: 3,
  LOCKED: 3,
  NOT_FOUND: 4,
  DATA_DIR_MISSING: 4,
  CONTROL_EXPIRED: 4,
  BAD_REQUEST: 5,
  VALIDATION_FAILED: 5,
  OWNER_EXISTS: 5,
  HANDSET_NAME_TAKEN: 5,
  RESCUE_IN_PROGRESS: 5,
  HANDSET_REVOKED: 5,
  BACKUP_NOT_OPEN: 5,
  BACKUP_KEPT: 5,
  RESTORE_NOT_PENDING: 5,
  PART_CONFLICT: 5,
  PART_TOO_LARGE: 5,
  BODY_TOO_LARGE: 5,
  UNSUPPORTED_MEDIA_TYPE: 5,
  UPGRADE_REQUIRED: 5,
  HEADERS_TOO_LARGE: 5,
  REQUEST_TIMEOUT: 6,
  PART_HASH_MISMATCH: 5,
  PART_MISSING: 5,
  END_NOTICE_MISMATCH: 5,
  QUOTA_EXCEEDED: 5,
  OVERWRITE_REFUSED: 5,
  DATA_DIR_IN_USE: 5,
  NETWORK: 6,
  UNAVAILABLE: 6,
  STORAGE_FULL: 6,
  RATE_LIMITED: 6,
  PART_DAMAGED: 7,
  DATABASE_DAMAGED: 7,
  DECRYPT_FAILED: 7,
  SAFE_RECORD_INVALID: 5,
  SAFE_VALUE_TOO_LARGE: 5,
  SAFE_DEPOSIT_CONFLICT: 5,
  SAFE_CERTIFICATE_INVALID: 5,
  SAFE_CERTIFICATE_MISMATCH: 5,
  SAFE_ALREADY_RECOVERED: 4,
  SAFE_RELEASE_PENDING: 6,
  SAFE_WITHDRAW_REFUSED: 5,
  SAFE_REQUEST_INVALID: 3,
  SAFE_REQUEST_REPLAYED: 3,
  SAFE_OWNER_EXISTS: 5,
  SAFE_PIN_MISMATCH: 3,
  SAFE_ESCROW_DESTROYED: 4,
  SAFE_KEY_MISMATCH: 3,
  SAFE_CARD_FULL: 5,
  SAFE_STALE_GENERATION: 5,
  SAFE_SIGNATURE_INVALID: 7,
  SAFE_PIECE_MISMATCH: 7,
  SAFE_DEVICE_MISMATCH: 3,
  SYNC_NOT_BOUND: 3,
  SYNC_SIM_NOT_BOUND: 3,
  SYNC_PIN_WRONG: 3,
  SYNC_SIM_BLOCKED: 3,
  SYNC_SIM_DEAD: 3,
  SYNC_TERMINAL_PASSWORD_WRONG: 3,
  SYNC_SUBSCRIBER_EXISTS: 5,
  SYNC_SESSION_UNKNOWN: 4,
  SYNC_ITEM_TOO_LARGE: 5,
  SYNC_KIND_NOT_TARGETED: 5,
  SYNC_NO_SIM: 5,
  SYNC_SIM_IN_USE: 5,
  SYNC_SIM_FILE: 2,
  SYNC_ERASE_UNSAVED: 5,
  SYNC_ERASE_NOT_CONFIRMED: 5,
  INTERNAL: 1,
  LOCAL_IO: 1,
  MAIL_UNAVAILABLE: 6,
  MAIL_TIMEOUT: 6,
  MAIL_REJECTED: 5,
  MAIL_TOO_LARGE: 5,
  MAIL_REFUSED: 7,
  MAIL_INCOMPLETE: 7,
  MAIL_NOT_PAIRED: 3,
} as const satisfies Record<ErrorCode, number>;

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[code];
}

/** Any thrown value as a PhoneSafeError, so every failure is reported the same way. */
export function asPhoneSafeError(error: unknown): PhoneSafeError {
  if (error instanceof PhoneSafeError) return error;
  if (error instanceof CommanderError) return new PhoneSafeError('USAGE', error.message.replace(/^error: /, ''), {}, { cause: error });
  const errno = error as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    return new PhoneSafeError('LOCAL_IO', errno.message, {}, { cause: error });
  }
  return new PhoneSafeError('INTERNAL', error instanceof Error ? error.message : String(error), {}, { cause: error });
}

/**
 * Prints ONE line `phonesafe: CODE: detail` on stderr (plus, with --json,
 * the error as the JSON document on stdout) and returns the exit status.
 * Stack traces only with PHONESAFE_DEBUG=1 (env.ts): users need the reason, not our call stack.
 */
export function reportError(error: unknown, options: { json: boolean; debug: boolean; words?: WordsContext }): number {
  const problem = inUserWords(asPhoneSafeError(error), options.words ?? { command: undefined, variables: new Set() });
  const exitCode = exitCodeFor(problem.code);
  if (options.json) {
    const extra = Object.keys(problem.extra).length > 0 ? { extra: problem.extra } : {};
    process.stdout.write(JSON.stringify({ error: { code: problem.code, detail: problem.detail, exitCode, ...extra } }) + '\n');
  }
  printErrorLine(problem.code, problem.detail);
  if (options.debug) process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  return exitCode;
}

/**
 * For a command that printed its full report but must still fail (e.g.
 * `center verify` finding damage): the error line and exit status, no second
 * JSON document.
 */
export function failAfterOutput(code: ErrorCode, detail: string): void {
  printErrorLine(code, detail);
  process.exitCode = exitCodeFor(code);
}

function printErrorLine(code: ErrorCode, detail: string): void {
  process.stderr.write(`phonesafe: ${code}: ${detail.replace(/\s*\n\s*/g, ' ').trim()}\n`);
}

/**
 * A reader that goes away (`phonesafe pc backups | head`) is not a failure
 * of ours: the process ends at once with status 0, no stack trace and no
 * error line (the shell's 141 is for processes killed by SIGPIPE, which
 * Node ignores).
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}
