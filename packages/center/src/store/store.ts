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
import type { DataKind, KdfParams, NgReason, OverwritePolicy, PartRef, RetryPolicy, ScheduleSpec } from '@phonesafe/protocol';

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
}

export interface BackupRow {
  id: string;
  ownerId: string;
  handsetId: string;
  handsetName: string;
  kinds: DataKind[];
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
  deleteAfter: boolean;
  overwrite: OverwritePolicy;
  status: 'pending' | 'completed';
  requestedAt: string;
  completedAt: string | null;
}

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

/** live-channel.md: pending → requested → running → done, back to pending on a retry, or gave-up. */
export type JobStatus = 'pending' | 'requested' | 'running' | 'done' | 'gave-up';

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
export type JobUpdate = Partial<Pick<JobRow, 'status' | 'attempt' | 'dueAt' | 'requestId' | 'answerBy' | 'runDeadline' | 'reasons' | 'backupId'>> & {
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
  kind: 'backup-failed' | 'over-quota' | 'backup-made';
  message: string;
  at: string;
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

export interface OwnerRepo {
  /** Throws PhoneSafeError OWNER_EXISTS when the e-mail is taken. */
  create(row: OwnerRow): Promise<void>;
  findByEmail(email: string): Promise<OwnerRow | undefined>;
  findById(id: string): Promise<OwnerRow | undefined>;
  addToken(token: { id: string; ownerId: string; secretHash: string; expiresAt: string }): Promise<void>;
  findToken(id: string): Promise<{ ownerId: string; secretHash: string; expiresAt: string } | undefined>;
  deleteExpiredTokens(now: string): Promise<number>;
  /** The owner's quota override; null when the center's default applies. */
  quotaBytes(ownerId: string): Promise<number | null>;
  setQuotaBytes(ownerId: string, bytes: number | null): Promise<void>;
}

export interface HandsetRepo {
  /** Throws PhoneSafeError HANDSET_NAME_TAKEN when the owner has one by that name. */
  create(row: HandsetRow): Promise<void>;
  findById(id: string): Promise<HandsetRow | undefined>;
  findByName(ownerId: string, name: string): Promise<HandsetRow | undefined>;
  listByOwner(ownerId: string): Promise<HandsetRow[]>;
  touch(id: string, at: string): Promise<void>;
}

export interface PartRepo {
  /** Of `ids`, the parts recorded for this owner (any order). */
  findStored(ownerId: string, ids: string[]): Promise<PartRef[]>;
  find(ownerId: string, id: string): Promise<PartRef | undefined>;
  /** Idempotent: recording an existing (owner, id) with the same sha256 is a no-op returning 'existing'. */
  record(ownerId: string, part: PartRef, createdAt: string): Promise<'new' | 'existing'>;
  /** Parts no committed or open backup references, created before `olderThan`. */
  listUnreferenced(olderThan: string): Promise<Array<{ ownerId: string; id: string }>>;
  remove(ownerId: string, id: string): Promise<void>;
  /** Every part, in pages, for `center verify`. */
  listAll(afterKey: { ownerId: string; id: string } | null, limit: number): Promise<Array<{ ownerId: string } & PartRef>>;
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
   * sets status committed with counts and manifest. All or nothing.
   * Throws BACKUP_NOT_OPEN, PART_MISSING (extra.missing = ids) or
   * END_NOTICE_MISMATCH (extra.mismatched = ids) and commits nothing.
   */
  commit(input: CommitInput): Promise<BackupRow>;
  /** Deletes a backup and its references (not its blobs). */
  remove(ownerId: string, id: string): Promise<boolean>;
  /** Open backups started before `before`, for expiry. */
  listStaleOpen(before: string): Promise<BackupRow[]>;
}

export interface RestoreRepo {
  create(row: RestoreRow): Promise<void>;
  find(ownerId: string, id: string): Promise<RestoreRow | undefined>;
  listPending(handsetId: string): Promise<RestoreRow[]>;
  complete(id: string, at: string): Promise<void>;
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
   * schedules with next_run_at <= now (skipping rows another center holds),
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
  takeDue(which: DueJobs, now: string, limit: number, decide: (job: JobRow) => JobUpdate): Promise<Array<{ before: JobRow; after: JobRow }>>;
}

export interface NoticeRepo {
  add(row: NoticeRow): Promise<void>;
  /** Newest first, with the handset's name; `handsetId` narrows to one handset's notices. */
  list(ownerId: string, handsetId?: string, limit?: number): Promise<Array<NoticeRow & { handsetName: string | null }>>;
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
  /** Applies pending migrations. Idempotent; safe to call at every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
