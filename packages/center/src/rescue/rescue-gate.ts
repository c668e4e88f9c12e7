/**
 * The rescue desk's credentials: phone + code number, then the control
 * number. Unknown phone numbers, wrong codes and wrong control numbers all
 * answer the same UNAUTHENTICATED after the same work, and count against the
 * phone number's lockout whether or not it is registered (rescue.md). Each
 * try is reserved before its slow check (auth/lockout.ts), so parallel
 * guesses get no more checks than sequential ones.
 */
import { isControlNumber, PhoneSafeError, type Clock } from '@phonesafe/protocol';
import type { Notifier } from '../notices/notifier.ts';
import type { RescueAuditRepo, RescueCodeRepo, RescueCodeRow, RescueRepo, RescueRow } from './rescue-repo.ts';
import type { Lockout, ReservedTry } from '../auth/lockout.ts';
import { audit, ownerNotice } from './rescue-records.ts';
import { burnCodeCheck, verifyCode } from './code-hash.ts';
import { isRescueControl } from './rescue-controls.ts';

export interface RescueGateDeps {
  rescueCodes: Pick<RescueCodeRepo, 'findCode'>;
  rescues: Pick<RescueRepo, 'listByPhone'>;
  rescueAudit: Pick<RescueAuditRepo, 'append'>;
  notifier: Notifier;
  clock: Clock;
  lockout: Lockout;
  lockMs: number;
}

const WRONG_CODE = 'wrong phone number or code number';
export const codeKey = (phone: string) => `code:${phone}`;
export const controlKey = (phone: string) => `control:${phone}`;
const WRONG_CONTROL = 'wrong phone number, code number or control number';

export class RescueGate {
  readonly #deps: RescueGateDeps;

  constructor(deps: RescueGateDeps) {
    this.#deps = deps;
  }

  /** The phone number's code row when `code` is right; throws LOCKED or UNAUTHENTICATED. */
  async checkCode(phone: string, code: string): Promise<RescueCodeRow> {
    const reserved = await this.#deps.lockout.reserve(codeKey(phone));
    const row = await this.#deps.rescueCodes.findCode(phone);
    const right = row ? await verifyCode(code, row.codeHash) : (await burnCodeCheck(code), false);
    if (row && right) {
      await this.#deps.lockout.succeeded(reserved);
      return row;
    }
    await this.#wrong(reserved, phone, row, 'wrong-code', 'a wrong code number was given', 'code numbers');
    throw new PhoneSafeError('UNAUTHENTICATED', WRONG_CODE);
  }

  /**
   * The rescue saved under `control` for this (already checked) phone number
   * and `code`, the code number that opens its sealed control number;
   * throws LOCKED, UNAUTHENTICATED or CONTROL_EXPIRED.
   */
  async checkControl(owner: RescueCodeRow, code: string, control: string): Promise<RescueRow> {
    const reserved = await this.#deps.lockout.reserve(controlKey(owner.phone));
    // A number failing its check digit is wrong without a look-up, but counts the same.
    const rescue = isControlNumber(control) ? await this.#findControl(owner, code, control) : undefined;
    if (!rescue) {
      await this.#wrong(reserved, owner.phone, owner, 'wrong-control', 'a wrong control number was given', 'control numbers');
      throw new PhoneSafeError('UNAUTHENTICATED', WRONG_CONTROL);
    }
    await this.#deps.lockout.succeeded(reserved);
    if (rescue.status === 'expired') {
      throw new PhoneSafeError(
        'CONTROL_EXPIRED',
        `the data saved under this control number was erased at ${rescue.expiresAt ?? 'its expiry'}`,
      );
    }
    return rescue;
  }

  /** Control numbers are sealed, not looked up: each saved rescue of the number is opened with the code and compared. */
  async #findControl(owner: RescueCodeRow, code: string, control: string): Promise<RescueRow | undefined> {
    for (const rescue of await this.#deps.rescues.listByPhone(owner.ownerId, owner.phone)) {
      if (await isRescueControl(rescue, control, code)) return rescue;
    }
    return undefined;
  }

  /** The wrong try was counted when reserved; a registered number's owner sees it in the audit and hears of the lock it set. */
  async #wrong(
    reserved: ReservedTry,
    phone: string,
    owner: { ownerId: string } | undefined,
    event: 'wrong-code' | 'wrong-control',
    detail: string,
    what: string,
  ) {
    if (!owner) return;
    const subject = { ownerId: owner.ownerId, phone, rescueId: null };
    await audit(this.#deps, subject, event, detail);
    if (!reserved.locked) return;
    const message = `the rescue desk locked phone number ${phone} for ${duration(this.#deps.lockMs)} after repeated wrong ${what}`;
    await audit(this.#deps, subject, 'locked', message);
    await this.#deps.notifier.notify(ownerNotice(owner.ownerId, 'rescue-locked', message));
  }
}

function duration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${Math.round(ms / 1000)} seconds`;
}
