/**
 * The lost-handset rescue desk from the pc (seed 004, SPEC R1–R5;
 * docs/design/rescue.md). Request, status and restore need no owner login:
 * the phone number and the code number set in advance are the credential,
 * so these calls use a bare client. Setting the code needs the owner.
 */
import {
  canonicalPhone,
  RescueRestoreResponse,
  RescueStatusResponse,
  RescueView,
  PhoneSafeError,
  type RescueView as RescueViewType,
} from '@phonesafe/protocol';
import { CenterClient, type HttpTimeouts } from '@phonesafe/protocol/node';
import { centerUrl, clientOptions, type PcSession } from './session.ts';

export type RescueStatusResult = ReturnType<typeof RescueStatusResponse.parse>;
export type RescueRestoreResult = ReturnType<typeof RescueRestoreResponse.parse>;
export type { RescueViewType as RescueViewResult };

/** A client without credentials, for the calls where the code number is the credential. */
export interface RescueDesk {
  readonly center: string;
  readonly client: CenterClient;
  close(): Promise<void>;
}

export function openRescueDesk(options: { center: string; ca?: string; timeouts?: HttpTimeouts }): RescueDesk {
  const baseUrl = centerUrl(options.center);
  const client = new CenterClient(clientOptions(baseUrl, options));
  return { center: baseUrl, client, close: () => client.close() };
}

export interface RescueCredential {
  phone: string;
  code: string;
}

/** R1: asks the center to save and erase the handset with this phone number; answered at once (the work waits for the handset). */
export function requestRescue(desk: RescueDesk, credential: RescueCredential): Promise<RescueViewType> {
  return desk.client.http.json(RescueView, {
    method: 'POST',
    path: '/v1/rescue/requests',
    json: { phone: credential.phone, code: credential.code },
  });
}

/** The rescues of this phone number (status, control number once saved, times) and the audit trail. */
export function rescueStatus(desk: RescueDesk, credential: RescueCredential): Promise<RescueStatusResult> {
  return desk.client.http.json(RescueStatusResponse, {
    method: 'POST',
    path: '/v1/rescue/status',
    json: { phone: credential.phone, code: credential.code },
  });
}

export interface RescueRestoreOptions extends RescueCredential {
  /** The control number the owner was told when the data was saved (dashes and spaces are ignored). */
  control: string;
  /** One of the owner's handsets; default: the newest handset with this phone number (e.g. a replacement). */
  toHandset?: string;
}

/** R3: a restore order of the saved data, applied by the handset over its live channel. */
export function rescueRestore(desk: RescueDesk, options: RescueRestoreOptions): Promise<RescueRestoreResult> {
  const json = {
    phone: options.phone,
    code: options.code,
    control: normalizeControl(options.control),
    ...(options.toHandset ? { toHandset: options.toHandset } : {}),
  };
  return desk.client.http.json(RescueRestoreResponse, { method: 'POST', path: '/v1/rescue/restore', json });
}

/** The owner sets or changes the code number of one of its handsets' phone numbers. */
export async function setRescueCode(session: PcSession, credential: RescueCredential): Promise<void> {
  await session.owner.client.http.raw({ method: 'PUT', path: '/v1/rescue/code', json: { phone: credential.phone, code: credential.code } });
}

const CODE = /^[0-9]{4,12}$/;
const NEW_CODE = /^[0-9]{8,12}$/;

/** `+81 90-1234-5678` → `+819012345678`, the center's canonical form; refused here (USAGE) rather than spending one of the tries at the center. */
export function normalizePhone(value: string): string {
  const check = canonicalPhone(value);
  if (!check.ok) throw new PhoneSafeError('USAGE', `${check.problem}, not '${value}'`);
  return check.phone;
}

/** Checks the shape of a code number given at the desk (one set before the 8-digit minimum still works), never putting it in the message. */
export function checkCode(code: string): string {
  if (!CODE.test(code)) throw new PhoneSafeError('USAGE', 'a code number is 4-12 digits');
  return code;
}

/** Checks a code number being set: 8-12 digits (rescue.md, Code numbers); never put in the message. */
export function checkNewCode(code: string): string {
  if (!NEW_CODE.test(code)) throw new PhoneSafeError('USAGE', 'a new code number is 8-12 digits');
  return code;
}

/** Control numbers are shown as 4-4-4-4; dashes and spaces are ignored on input. */
export function normalizeControl(value: string): string {
  const control = value.replace(/[\s-]/g, '');
  if (!/^[0-9]{16}$/.test(control))
    throw new PhoneSafeError('USAGE', `a control number is 16 digits (shown as 1234-5678-9012-3456), not '${value}'`);
  // A typo is caught here, before it counts as a wrong control number at the center.
  if (!luhnValid(control))
    throw new PhoneSafeError('USAGE', `the control number ${formatControl(control)} does not check out (a mistyped digit?)`);
  return control;
}

/** The Luhn check over all digits, the last being the check digit. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** `1234567890123456` → `1234-5678-9012-3456`, as the notices show it. */
export function formatControl(control: string): string {
  const digits = control.replace(/[\s-]/g, '');
  return /^[0-9]{16}$/.test(digits) ? digits.replace(/(\d{4})(?=\d)/g, '$1-') : control;
}
