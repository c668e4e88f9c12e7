/**
 * The center's storage port. Two adapters implement it (SQLite, PostgreSQL)
 * over one Kysely schema; `test/store-conformance.ts` runs the same suite
 * against both. Services depend on this interface only.
 *
 * Contracts common to every method:
 * - Methods are scoped by owner where an owner id is taken: a row of another
 *   owner is never returned or changed (callers then answer NOT_FOUND).
 * - Times are ISO-8601 UTC strings supplied by the caller's Clock; the store
 *   never reads the wall clock.
 * - Nothing here throws HTTP errors; unique-key violations surface as
 *   PhoneSafeError with the code named in the method comment.
 */
import type {
  DataKind,
  ErrorCode,
  KdfParams,
  NgReason,
  Notice,
  OverwritePolicy,
  PartRef,
  RescueStatus,
  RestoreStatus,
  RetryPolicy,
  ScheduleSpec,
} from '@phonesafe/protocol';

export type { RescueStatus };

export interface OwnerRow {
  id: string;
  email: string;
  authHash: string;
  kdf: KdfParams;
  wrappedDataKey: string;
  createdAt: string;
}

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

export interface BackupRow {
  id: string;
  ownerId: string;
  handsetId: string;
  handsetName: string;
  /** Kinds the backup holds items of (as the handset declared them). */
  kinds: DataKind[];
  /** Of `kinds`, those it covers completely (every item of the kind); null for backups made before this was recorded. */
  complete: DataKind[] | null;
  trigger: string;
  status: 'open' | 'committed';
  startedAt: string;
  committedAt: string | null;
  fileCount: number;
  storedBytes: number;
  manifest: PartRef | null;
}

export interface BackupFileRow {
  ref: string;
  size: number;
  parts: string[];
}

export interface RestoreRow {
  id: string;
  ownerId: string;
  backupId: string;
  handsetId: string;
  kinds: DataKind[] | null;
  /** Honoured only when `placedBy` is 'owner': only the owner may have a backup deleted. */
  deleteAfter: boolean;
  overwrite: OverwritePolicy;
  /** Who placed the order; null for orders stored before this was recorded (they never delete). */
  placedBy: 'owner' | 'handset' | null;
  status: RestoreStatus;
  requestedAt: string;
  completedAt: string | null;
  /** Failed tries the destination reported. */
  attempts: number;
  lastCode: ErrorCode | null;
  /** A pending order is offered to its handset only from this time on; null: now. */
  nextTryAt: string | null;
}

/** What a failure report or a cancel may change on a restore order. */
export type RestoreUpdate = Partial<Pick<RestoreRow, 'status' | 'attempts' | 'lastCode' | 'nextTryAt' | 'completedAt'>>;

export interface HistoryRow {
  at: string;
  ownerId: string;
  handsetId: string | null;
  backupId: string | null;
  event: 'backup-committed' | 'restore-requested' | 'restore-completed' | 'backup-deleted' | 'backup-forgotten';
  detail: string;
}

export interface ScheduleRow {
  handsetId: string;
  ownerId: string;
  spec: ScheduleSpec | null;
  /** This handset's overrides of the center's default retry policy. */
  retry: Partial<RetryPolicy>;
  nextRunAt: string | null;
  updatedAt: string;
}

/** live-channel.md: pending → requested → running → done, back to pending on a retry, or gave-up; cancelled when the handset is revoked. */
export type JobStatus = 'pending' | 'requested' | 'running' | 'done' | 'gave-up' | 'cancelled';

export interface JobRow {
  id: string;
  ownerId: string;
  handsetId: string;
  status: JobStatus;
  /** 1 for the first try. */
  attempt: number;
  dueAt: string;
  /** The single-use id of the last start request sent; answers must carry it. */
  requestId: string | null;
  answerBy: string | null;
  runDeadline: string | null;
  /** Why each failed try failed, oldest first. */
  reasons: NgReason[];
  /** The effective policy, fixed when the job is made. */
  retry: RetryPolicy;
  backupId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The columns a transition may change; `updatedAt` always. */
export type JobUpdate = Partial<
  Pick<JobRow, 'status' | 'attempt' | 'dueAt' | 'requestId' | 'answerBy' | 'runDeadline' | 'reasons' | 'backupId'>
> & {
  updatedAt: string;
};

/** What a transition expects to find; it changes nothing when the row has moved on. */
export interface JobMatch {
  id: string;
  status: JobStatus;
  /** When given, the row's request id must be exactly this. */
  requestId?: string | null;
}

/** The scheduler steps that pick due jobs under row locks. */
export type DueJobs =
  /** pending with due_at <= now */
  | 'due'
  /** requested with answer_by <= now */
  | 'answer-overdue'
  /** running with run_deadline <= now */
  | 'run-overdue';

export interface NoticeRow {
  id: string;
  ownerId: string;
  handsetId: string | null;
  kind: Notice['kind'];
  message: string;
  at: string;
}

/** rescue.md: one rescue of a lost handset, from the request to restore or expiry. */
export interface RescueRow {
  id: string;
  ownerId: string;
  phone: string;
  /** The newest handset enrolled with the phone number at request time. */
  handsetId: string;
  status: RescueStatus;
  requestedAt: string;
  /** R5: a rescue still waiting for the handset after this gives up. */
  windowEndsAt: string;
  lastAttemptAt: string | null;
  /** The id of the last rescue-save or rescue-erase sent. */
  requestId: string | null;
  /** The rescue's backup (the save), once the handset started it. */
  backupId: string | null;
  /**
   * The control number (16 digits), sealed under the code number when the
   * rescue is requested (rescue/control-seal.ts); it is valid and shown only
   * once `savedAt` is set. Never stored in clear.
   */
  controlSeal: string | null;
  /** A control number stored in clear before migration 0007, as a scrypt hash; null for every later rescue. */
  controlHash: string | null;
  savedAt: string | null;
  erasedAt: string | null;
  expiresAt: string | null;
  warnedAt: string | null;
  files: number | null;
}

export type RescueUpdate = Partial<
  Pick<
    RescueRow,
    'status' | 'lastAttemptAt' | 'requestId' | 'backupId' | 'controlSeal' | 'savedAt' | 'erasedAt' | 'expiresAt' | 'warnedAt' | 'files'
  >
>;

/** What a rescue transition expects to find; it changes nothing when the row has moved on. */
export interface RescueMatch {
  id: string;
  status: RescueStatus;
  /** When true, the erase must not have been reported yet. */
  unerased?: boolean;
  /** When true, the rescue must have no sealed control number yet. */
  unsealed?: boolean;
}

/** The rescue sweep's kinds of due rows (R4, R5). */
export type DueRescues =
  /** kept data (saved/erased/restored) not warned yet with expires_at <= the bound */
  | 'warn'
  /** kept data with expires_at <= the bound; the backup rows go in the same transaction */
  | 'expire'
  /** waiting-for-handset or saving with window_ends_at <= the bound */
  | 'give-up';

export interface RescueCodeRow {
  phone: string;
  ownerId: string;
  codeHash: string;
  setAt: string;
}

/** A wrong-try counter (auth/lockout.ts). */
export interface WrongTryRow {
  key: string;
  failures: number;
  lockedUntil: string | null;
  lastFailureAt: string | null;
}

export interface RescueAuditRow {
  ownerId: string;
  phone: string;
  rescueId: string | null;
  at: string;
  event:
    | 'requested'
    | 'attempt'
    | 'saved'
    | 'erased'
    | 'restore-requested'
    | 'restored'
    | 'expiry-warning'
    | 'expired'
    | 'gave-up'
    | 'wrong-code'
    | 'locked'
    | 'wrong-control';
  detail: string;
}

export interface CommitInput {
  backupId: string;
  ownerId: string;
  committedAt: string;
  manifest: PartRef;
  /** Every part of the generation; each must already be in `parts` for this owner. */
  parts: PartRef[];
  files: BackupFileRow[];
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
  /** The owner's quota override, set by the operator; null when the center's default applies. */
  quotaBytes(ownerId: string): Promise<number | null>;
  setQuotaBytes(ownerId: string, bytes: number | null): Promise<void>;
  /** The owner's own lower limit; null when it has none. */
  quotaLimitBytes(ownerId: string): Promise<number | null>;
  setQuotaLimitBytes(ownerId: string, bytes: number | null): Promise<void>;
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
   * From now on the handset's credential is refused, and it gets no more
   * work: in one transaction, revoked_at is set (the first time is kept), its
   * schedule cleared and its active job cancelled. Idempotent; answers true
   * when this call revoked it.
   */
  revoke(id: string, at: string): Promise<boolean>;
}

/** A recorded part: its ref, and whether its stored bytes were found missing or wrong. */
export interface StoredPart extends PartRef {
  damaged: boolean;
}

/**
 * Prune and commit exclude each other (storage-format.md): `commit` reads the
 * parts it references under a share lock, and `removeIfUnreferenced` deletes
 * under an exclusive one after checking again; on SQLite every transaction
 * holds the database's write lock. A part answered as present is `touch`ed,
 * so prune leaves it for the grace period.
 */
export interface PartRepo {
  /** Of `ids`, the parts recorded for this owner (any order), damaged ones included. */
  findStored(ownerId: string, ids: string[]): Promise<StoredPart[]>;
  find(ownerId: string, id: string): Promise<StoredPart | undefined>;
  /** Idempotent: recording an existing (owner, id) with the same sha256 is a no-op returning 'existing'; other bytes are PART_CONFLICT. */
  record(ownerId: string, part: PartRef, createdAt: string): Promise<'new' | 'existing'>;
  /**
   * Sets `used_at` to `now` for those of `ids` last used (or, never used,
   * created) before `staleBefore`; fresher rows are not written. Waits for a
   * prune holding one of the rows, so a row found after the touch is not
   * pruned within the grace period.
   */
  touch(ownerId: string, ids: string[], staleBefore: string, now: string): Promise<void>;
  /** Candidates for prune: parts no committed or open backup references, created and last used before `olderThan`. */
  listUnreferenced(olderThan: string): Promise<Array<{ ownerId: string; id: string }>>;
  /**
   * Prune's delete of one candidate, in one transaction: locks the row, checks
   * again that no backup references it and that it was neither created nor
   * used since `olderThan`, and deletes it. Answers the deleted row, or
   * undefined (nothing changed) when it no longer qualifies.
   */
  removeIfUnreferenced(ownerId: string, id: string, olderThan: string): Promise<PartRef | undefined>;
  remove(ownerId: string, id: string): Promise<void>;
  /** Every part, in pages, for `center verify`. */
  listAll(afterKey: { ownerId: string; id: string } | null, limit: number): Promise<Array<{ ownerId: string } & StoredPart>>;
  /** Marks the part damaged if its row still records `sha256` (a repair may have replaced it); answers whether it changed. */
  markDamaged(ownerId: string, id: string, sha256: string): Promise<boolean>;
  /** Lifts the mark if the row still records `sha256` (its bytes checked good again); answers whether it changed. */
  clearDamaged(ownerId: string, id: string, sha256: string): Promise<boolean>;
  /**
   * A re-upload of a damaged part: sets size, sha256 (the new bytes' blob is
   * already stored), used_at and clears the mark, only if the row is still
   * damaged with `damagedSha256`. One conditional update, so of two repairs
   * at once exactly one wins; answers whether this one did.
   */
  repair(ownerId: string, damagedSha256: string, part: PartRef, at: string): Promise<boolean>;
  /** Parts committed backups reference that have no row (a part lost to a fault), at most `limit`. */
  listReferencedUnrecorded(limit: number): Promise<Array<{ ownerId: string; id: string; backupId: string }>>;
  totalBytes(ownerId: string): Promise<number>;
}

export interface BackupRepo {
  open(row: BackupRow): Promise<void>;
  find(ownerId: string, id: string): Promise<BackupRow | undefined>;
  /** Committed backups, newest first; `handsetId` narrows to one handset. */
  listCommitted(ownerId: string, handsetId?: string): Promise<BackupRow[]>;
  files(backupId: string): Promise<BackupFileRow[]>;
  parts(backupId: string): Promise<PartRef[]>;
  /**
   * Atomically: checks the backup is open, writes files and part references,
   * sets status committed with counts and manifest. All or nothing. The
   * parts are read under a share lock, so a prune deleting one of them makes
   * the commit wait and then refuse it; a damaged part counts as missing.
   * Throws BACKUP_NOT_OPEN, PART_MISSING (extra.missing = ids) or
   * END_NOTICE_MISMATCH (extra.mismatched = ids) and commits nothing.
   */
  commit(input: CommitInput): Promise<BackupRow>;
  /** Deletes a backup and its references (not its blobs). */
  remove(ownerId: string, id: string): Promise<boolean>;
  /** Open backups started before `before`, for expiry. */
  listStaleOpen(before: string): Promise<BackupRow[]>;
  /** Whether the handset has an open backup with this trigger (a rescue save in progress is outside the quota). */
  hasOpen(handsetId: string, trigger: string): Promise<boolean>;
}

export interface RestoreRepo {
  create(row: RestoreRow): Promise<void>;
  find(ownerId: string, id: string): Promise<RestoreRow | undefined>;
  /** The handset's pending orders due at `now` (next_try_at null or <= now), oldest first. */
  listPending(handsetId: string, now: string): Promise<RestoreRow[]>;
  /** The owner's orders in any status, newest first, at most `limit`. */
  listByOwner(ownerId: string, limit?: number): Promise<RestoreRow[]>;
  /** pending → completed; no change (and false) when the order is no longer pending. */
  complete(id: string, at: string): Promise<boolean>;
  /**
   * The one other way an order changes: `UPDATE … WHERE id = ? AND status = ?
   * AND attempts = ?`, so two reports of one try count once. Answers the new
   * row, or undefined (nothing changed) when the row has moved on.
   */
  transition(match: { id: string; status: RestoreStatus; attempts: number }, update: RestoreUpdate): Promise<RestoreRow | undefined>;
}

export interface HistoryRepo {
  append(row: HistoryRow): Promise<void>;
  list(ownerId: string, handsetId?: string, limit?: number): Promise<HistoryRow[]>;
}

export interface ScheduleRepo {
  find(handsetId: string): Promise<ScheduleRow | undefined>;
  /** Inserts or replaces the handset's schedule. */
  put(row: ScheduleRow): Promise<void>;
  /**
   * Step 1 of a scheduler tick, in one transaction: locks up to `limit`
   * schedules with next_run_at <= now of handsets not revoked (skipping rows another center holds),
   * asks `plan` for each, inserts its job unless the handset already has an
   * active one, and moves next_run_at to the planned value. Answers the jobs made.
   */
  materialiseDue(now: string, limit: number, plan: (schedule: ScheduleRow) => { job: JobRow; nextRunAt: string | null }): Promise<JobRow[]>;
  /** Sets spec and next_run_at to null if the spec is still `spec` (a `once` that has run). */
  clearIfSpec(handsetId: string, spec: ScheduleSpec, at: string): Promise<boolean>;
}

export interface JobRepo {
  /** Jobs are made only by ScheduleRepo.materialiseDue, which keeps one active job per handset. */
  find(id: string): Promise<JobRow | undefined>;
  /** The job whose last start request was `requestId` and went to this handset, in any state. */
  findByRequest(handsetId: string, requestId: string): Promise<JobRow | undefined>;
  findByBackup(backupId: string): Promise<JobRow | undefined>;
  /** The handset's pending, requested or running job. */
  findActive(handsetId: string): Promise<JobRow | undefined>;
  listByHandset(handsetId: string): Promise<JobRow[]>;
  /**
   * The one way a job changes: `UPDATE … WHERE id = ? AND status = ?
   * [AND request_id = ?]`. Answers the new row, or undefined when the row no
   * longer matches (a stale, duplicate or raced event), having changed nothing.
   */
  transition(match: JobMatch, update: JobUpdate): Promise<JobRow | undefined>;
  /**
   * Steps 2 and 3 of a tick, in one transaction: locks up to `limit` jobs of
   * the `which` kind due at `now` (FOR UPDATE SKIP LOCKED where rows lock, so
   * two centers never take the same job) and applies `decide` to each.
   * Answers the rows as they were and as they are now.
   */
  takeDue(
    which: DueJobs,
    now: string,
    limit: number,
    decide: (job: JobRow) => JobUpdate,
  ): Promise<Array<{ before: JobRow; after: JobRow }>>;
}

export interface NoticeRepo {
  add(row: NoticeRow): Promise<void>;
  /** When the owner's newest notice of this kind was made; undefined when it has none. */
  lastAt(ownerId: string, kind: NoticeRow['kind']): Promise<string | undefined>;
  /** Newest first, with the handset's name; `handsetId` narrows to one handset's notices. */
  list(ownerId: string, handsetId?: string, limit?: number): Promise<Array<NoticeRow & { handsetName: string | null }>>;
}

export interface RescueRepo {
  /** False (and nothing stored) when the phone number already has an open rescue. */
  create(row: RescueRow): Promise<boolean>;
  find(id: string): Promise<RescueRow | undefined>;
  /** The phone number's waiting-for-handset, saving or saved rescue. */
  findOpen(phone: string): Promise<RescueRow | undefined>;
  /** The owner's rescues of this phone number, newest first. */
  listByPhone(ownerId: string, phone: string): Promise<RescueRow[]>;
  findByBackup(backupId: string): Promise<RescueRow | undefined>;
  /** The handset's rescues the channel still has to act on: to save (waiting, saving) or to erase (saved or restored, erase not reported). */
  listForChannel(handsetId: string): Promise<RescueRow[]>;
  /** `UPDATE … WHERE id = ? AND status = ? [AND erased_at IS NULL] [AND control_seal IS NULL]`; undefined when the row no longer matches. */
  transition(match: RescueMatch, update: RescueUpdate): Promise<RescueRow | undefined>;
  /**
   * The rescue sweep, one transaction: locks up to `limit` rows of `which`
   * due at `bound` (SKIP LOCKED where rows lock) and applies `decide` to each.
   * For 'expire' the rescue's backup rows are deleted in the same transaction.
   */
  takeDue(
    which: DueRescues,
    bound: string,
    limit: number,
    decide: (rescue: RescueRow) => RescueUpdate,
  ): Promise<Array<{ before: RescueRow; after: RescueRow }>>;
}

export interface RescueCodeRepo {
  /** Inserts or replaces the phone number's code. */
  putCode(row: RescueCodeRow): Promise<void>;
  findCode(phone: string): Promise<RescueCodeRow | undefined>;
}

export interface WrongTryRepo {
  find(key: string): Promise<WrongTryRow | undefined>;
  /**
   * Read-modify-write of one counter in one transaction under a row lock, so
   * concurrent tries all count (a missing counter reads as zero). `change`
   * answering null deletes the counter. Answers the counter as written.
   */
  change(key: string, change: (current: WrongTryRow) => WrongTryRow | null): Promise<WrongTryRow | null>;
  delete(key: string): Promise<void>;
  /** Deletes counters whose last wrong try is before `before` (or unknown) and that are not locked at `now`; answers how many. */
  deleteStale(before: string, now: string): Promise<number>;
}

export interface RescueAuditRepo {
  append(row: RescueAuditRow): Promise<void>;
  /** The owner's audit rows of the phone number, oldest first. */
  list(ownerId: string, phone: string): Promise<RescueAuditRow[]>;
}

export interface DatabaseCheck {
  status: 'ok' | 'damaged' | 'skipped';
  /** What was checked and what it found, or why it was skipped. */
  detail: string;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  owners: OwnerRepo;
  handsets: HandsetRepo;
  parts: PartRepo;
  backups: BackupRepo;
  restores: RestoreRepo;
  history: HistoryRepo;
  schedules: ScheduleRepo;
  jobs: JobRepo;
  notices: NoticeRepo;
  rescues: RescueRepo;
  rescueCodes: RescueCodeRepo;
  rescueAudit: RescueAuditRepo;
  wrongTries: WrongTryRepo;
  /** Applies pending migrations. Idempotent; safe to call at every start. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a query (`/v1/health`). */
  ping(): Promise<void>;
  /**
   * The database's own integrity check (`center verify`): SQLite's
   * `PRAGMA integrity_check`, PostgreSQL's amcheck extension over the
   * schema's indexes and tables (created if the role may). `skipped` says why
   * it could not run.
   */
  checkIntegrity(): Promise<DatabaseCheck>;
  close(): Promise<void>;
}
