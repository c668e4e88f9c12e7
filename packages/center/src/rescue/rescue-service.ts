/**
 * The rescue desk (R1, R3, audit): requests, status and restores, all
 * authorised by phone + code number instead of an owner password, and the
 * owner's own setting of a code number.
 */
import { PhoneSafeError, type Clock, type RescueStatusResponse, type RescueView } from '@phonesafe/protocol';
import type { z } from 'zod';
import { newId } from '../ids.ts';
import type { HandsetRepo, HandsetRow } from '../handsets/handset-repo.ts';
import type { RescueAuditRepo, RescueCodeRepo, RescueRepo, RescueStatus } from './rescue-repo.ts';
import type { RestoreRow } from '../restore/restore-repo.ts';
import { hashCode, verifyCode } from './code-hash.ts';
import { newSealedControl, sealMissing, viewWithControl } from './rescue-controls.ts';
import type { RescueGate } from './rescue-gate.ts';
import { audit, subjectOf } from './rescue-records.ts';
import type { RescueTransfer } from './rescue-transfer.ts';

export interface RescueServiceDeps {
  gate: RescueGate;
  transfer: Pick<RescueTransfer, 'nudge'>;
  rescues: Pick<RescueRepo, 'create' | 'find' | 'findOpen' | 'listByPhone' | 'findByBackup' | 'transition'>;
  rescueCodes: Pick<RescueCodeRepo, 'putCode' | 'findCode'>;
  handsets: Pick<HandsetRepo, 'newestByPhone' | 'findByName' | 'findById'>;
  /** With SIM sync, the handset that last reported holding the SIM of a number (the subscriber DB, wired in app.ts). */
  simHolder: SimHolder;
  rescueAudit: Pick<RescueAuditRepo, 'append' | 'list'>;
  restoreOrders: RestoreOrders;
  clock: Clock;
  windowMs: number;
}

/** Which handset holds the SIM of a phone number, as its terminals last reported (sync.md: the rescue desk follows the SIM). */
export interface SimHolder {
  handsetHolding(ownerId: string, phone: string): Promise<string | null>;
}

/** How the desk places a restore order for the owner (the restore capability's `start`, wired in app.ts). */
export interface RestoreOrders {
  start(
    caller: { kind: 'owner'; ownerId: string },
    input: { backupId: string; toHandset: string; deleteAfter: boolean; overwrite: typeof RESTORE_OVERWRITE },
  ): Promise<{ restoreId: string }>;
}

export interface RescueRestoreInput {
  phone: string;
  code: string;
  control: string;
  toHandset?: string | undefined;
}

/** Rescues whose control number no longer opens anything: a code number may change once all of its number's rescues are here. */
const ENDED = new Set<RescueStatus>(['expired', 'gave-up']);

/** B6 as the pc does it by default: the handset asks before overwriting what it has. */
const RESTORE_OVERWRITE = 'ask' as const;

export class RescueService {
  readonly #deps: RescueServiceDeps;

  constructor(deps: RescueServiceDeps) {
    this.#deps = deps;
  }

  /** Sets (or changes) the code number of a phone number that one of the owner's handsets has. */
  async setCode(ownerId: string, phone: string, code: string): Promise<void> {
    const handset = await this.#deps.handsets.newestByPhone(phone);
    if (!handset || handset.ownerId !== ownerId)
      throw new PhoneSafeError('NOT_FOUND', `no handset of this owner has phone number ${phone}`);
    await this.assertCodeMayChange(ownerId, phone, code);
    await this.#deps.rescueCodes.putCode({ phone, ownerId, codeHash: await hashCode(code), setAt: this.#deps.clock.now().toISOString() });
  }

  /**
   * The code number given at an enrolment (handsets/handset-service.ts):
   * checked now (RESCUE_IN_PROGRESS, before anything is stored), hashed now
   * (it is slow), and stored by the answered write inside the enrolment's
   * transaction, with the handset row it protects.
   */
  async prepareCode(
    ownerId: string,
    phone: string,
    code: string,
  ): Promise<(tx: { rescueCodes: Pick<RescueCodeRepo, 'putCode'> }) => Promise<void>> {
    await this.assertCodeMayChange(ownerId, phone, code);
    const codeHash = await hashCode(code);
    const setAt = this.#deps.clock.now().toISOString();
    return (tx) => tx.rescueCodes.putCode({ phone, ownerId, codeHash, setAt });
  }

  /** Whether the owner's phone number has a code number. */
  async hasCode(ownerId: string, phone: string): Promise<boolean> {
    return (await this.#deps.rescueCodes.findCode(phone))?.ownerId === ownerId;
  }

  /**
   * Throws RESCUE_IN_PROGRESS when `code` would replace another code number
   * while a rescue of the number is going on or keeps its data: that
   * rescue's control number is sealed under the current code, and the
   * center cannot re-seal it without it. Giving the current code again is
   * fine (it is hashed anew, at the current cost).
   */
  async assertCodeMayChange(ownerId: string, phone: string, code: string): Promise<void> {
    const current = await this.#deps.rescueCodes.findCode(phone);
    if (!current) return;
    const busy = (await this.#deps.rescues.listByPhone(ownerId, phone)).find((r) => !ENDED.has(r.status));
    if (!busy || (await verifyCode(code, current.codeHash))) return;
    const until = busy.expiresAt === null ? 'it ends' : `it expires at ${busy.expiresAt}`;
    throw new PhoneSafeError(
      'RESCUE_IN_PROGRESS',
      `rescue ${busy.id} of phone number ${phone} needs the current code number until ${until}`,
    );
  }

  /** R1: answered at once; the save happens when the handset is reachable. Asking again answers the open rescue. */
  async request(phone: string, code: string): Promise<RescueView> {
    const owner = await this.#deps.gate.checkCode(phone, code);
    const open = await this.#deps.rescues.findOpen(phone);
    if (open) {
      await this.#deps.transfer.nudge(open);
      return viewWithControl(await sealMissing(this.#deps.rescues, open, code), code);
    }
    const handset = await this.#phoneHandset(owner.ownerId, phone);
    const now = this.#deps.clock.now();
    const id = newId();
    const row = {
      id,
      ownerId: owner.ownerId,
      phone,
      handsetId: handset.id,
      status: 'waiting-for-handset' as const,
      requestedAt: now.toISOString(),
      windowEndsAt: new Date(now.getTime() + this.#deps.windowMs).toISOString(),
      lastAttemptAt: null,
      requestId: null,
      backupId: null,
      // Issued now, while the code number is at hand to seal it; valid once the save commits.
      controlSeal: await newSealedControl(code, id),
      controlHash: null,
      savedAt: null,
      erasedAt: null,
      expiresAt: null,
      warnedAt: null,
      files: null,
    };
    if (!(await this.#deps.rescues.create(row))) {
      // A simultaneous request made the open rescue first: answer that one.
      const raced = await this.#deps.rescues.findOpen(phone);
      if (raced) return viewWithControl(raced, code);
      throw new PhoneSafeError('UNAVAILABLE', 'the rescue request collided with another; ask again');
    }
    await audit(this.#deps, subjectOf(row), 'requested', `rescue requested for handset ${handset.name}; waiting until ${row.windowEndsAt}`);
    await this.#deps.transfer.nudge(row);
    return viewWithControl(row, code);
  }

  async status(phone: string, code: string): Promise<z.input<typeof RescueStatusResponse>> {
    const owner = await this.#deps.gate.checkCode(phone, code);
    const [rows, trail] = await Promise.all([
      this.#deps.rescues.listByPhone(owner.ownerId, phone),
      this.#deps.rescueAudit.list(owner.ownerId, phone),
    ]);
    const rescues = [];
    for (const row of rows) rescues.push(await viewWithControl(await sealMissing(this.#deps.rescues, row, code), code));
    return {
      phone,
      rescues,
      audit: trail.map((row) => ({ at: row.at, reference: row.rescueId, event: row.event, detail: row.detail })),
    };
  }

  /** R3: a restore order of the rescue's save for the handset with that number (e.g. a replacement) or the named one. */
  async restore(input: RescueRestoreInput) {
    const owner = await this.#deps.gate.checkCode(input.phone, input.code);
    const rescue = await this.#deps.gate.checkControl(owner, input.code, input.control);
    if (rescue.backupId === null) throw new PhoneSafeError('CONTROL_EXPIRED', 'no saved data is kept under this control number');
    const handset =
      input.toHandset === undefined
        ? await this.#phoneHandset(owner.ownerId, input.phone)
        : await this.#deps.handsets.findByName(owner.ownerId, input.toHandset);
    if (!handset) throw new PhoneSafeError('NOT_FOUND', `no handset named ${input.toHandset}`);
    const order = await this.#deps.restoreOrders.start(
      { kind: 'owner', ownerId: owner.ownerId },
      { backupId: rescue.backupId, toHandset: handset.name, deleteAfter: false, overwrite: RESTORE_OVERWRITE },
    );
    await audit(this.#deps, subjectOf(rescue), 'restore-requested', `restore ${order.restoreId} to handset ${handset.name}`);
    return { reference: rescue.id, restoreId: order.restoreId, handsetName: handset.name, status: 'pending' as const };
  }

  /** A restore order completed; when it restored a rescue's save, the rescue is `restored`. */
  async restoreCompleted(order: RestoreRow): Promise<void> {
    const rescue = await this.#deps.rescues.findByBackup(order.backupId);
    if (!rescue || (rescue.status !== 'saved' && rescue.status !== 'erased')) return;
    const changed = await this.#deps.rescues.transition({ id: rescue.id, status: rescue.status }, { status: 'restored' });
    if (changed) await audit(this.#deps, subjectOf(changed), 'restored', `restore ${order.id} completed on the destination handset`);
  }

  /**
   * The handset that last reported holding the number's SIM (several
   * handsets share one number with SIM sync), else the newest handset with
   * the phone number; a code row exists only for an owner's number, so this
   * is the owner's.
   */
  async #phoneHandset(ownerId: string, phone: string): Promise<HandsetRow> {
    const holding = await this.#deps.simHolder.handsetHolding(ownerId, phone);
    const holder = holding === null ? undefined : await this.#deps.handsets.findById(holding);
    if (holder && holder.ownerId === ownerId && holder.revokedAt === null) return holder;
    const handset = await this.#deps.handsets.newestByPhone(phone);
    if (!handset || handset.ownerId !== ownerId)
      throw new PhoneSafeError('NOT_FOUND', `no handset of this owner has phone number ${phone}`);
    return handset;
  }
}
