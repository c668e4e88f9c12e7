/** The rescue desk's storage ports (rescue.md). The contracts every repository keeps are stated in center-store.ts. */
import type { RescueStatus } from '@phonesafe/protocol';

export type { RescueStatus };

/**
 * The states of a rescue still going on, one per phone number. The partial
 * unique index `rescues_one_open` of migration 0003 is built from the same
 * list, kept there as its own frozen copy.
 */
export const OPEN_RESCUE_STATES = ['waiting-for-handset', 'saving', 'saved'] as const satisfies readonly RescueStatus[];

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
  /** kept data with expires_at <= the bound; the backup rows go in the same transaction (rescue-sweep.ts, takeDueRescues) */
  | 'expire'
  /** waiting-for-handset or saving with window_ends_at <= the bound */
  | 'give-up';

export interface RescueCodeRow {
  phone: string;
  ownerId: string;
  codeHash: string;
  setAt: string;
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
   * For 'expire' the rescue's backup rows are deleted in the same transaction,
   * by the sweep (rescue-sweep.ts, takeDueRescues), which runs this inside it.
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

export interface RescueAuditRepo {
  append(row: RescueAuditRow): Promise<void>;
  /** The owner's audit rows of the phone number, oldest first. */
  list(ownerId: string, phone: string): Promise<RescueAuditRow[]>;
}
