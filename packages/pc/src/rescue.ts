/**
 * The lost-handset rescue desk from the pc (seed 004, SPEC R1–R5;
 * docs/design/rescue.md). Request, status and restore need no owner login:
 * the phone number and the code number set in advance are the credential,
 * so these calls use a bare client. Setting the code needs the owner.
 */
import {
  normalizeControl,
  RescueRestoreResponse,
  RescueStatusResponse,
  RescueView,
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
