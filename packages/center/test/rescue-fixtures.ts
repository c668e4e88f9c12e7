/** Acting as the rescue desk's callers in tests: an owner with phone-numbered handsets, the desk, a handset saving its memory. */
import type { LightMyRequestResponse } from 'fastify';
import { call, expectStatus, randomChunk, runBackup, sealBackup, type Harness, type TestOwner } from './http-harness.ts';

let phones = 0;
/** A phone number no other test uses. */
export function newPhone(): string {
  phones += 1;
  return `+4915${String(process.pid % 10_000).padStart(4, '0')}${String(phones).padStart(4, '0')}`;
}

/** Owner tokens last an hour of clock time and these tests move the clock by days: log in again. */
export async function relogin(h: Harness, owner: TestOwner): Promise<void> {
  const login = await call(h, 'POST', '/v1/owners/login', { json: { email: owner.email, authKey: owner.authKey } });
  expectStatus(login, 200);
  owner.token = login.json<{ token: string }>().token;
}

export async function enrollPhone(
  h: Harness,
  owner: TestOwner,
  name: string,
  phone: string,
  code?: string,
): Promise<{ handsetId: string; credential: string }> {
  const res = await call(h, 'POST', '/v1/handsets', {
    bearer: owner.token,
    json: { name, phone, ...(code === undefined ? {} : { code }) },
  });
  expectStatus(res, 201);
  return res.json();
}

/** POST /v1/rescue/<path> with a JSON body, no credentials but the body's. */
export function desk(h: Harness, path: 'requests' | 'status' | 'restore', json: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return call(h, 'POST', `/v1/rescue/${path}`, { json });
}

export interface RescueViewJson {
  reference: string;
  status: string;
  lastAttemptAt: string | null;
  controlNumber: string | null;
  savedAt: string | null;
  erasedAt: string | null;
  expiresAt: string | null;
  files: number | null;
}

export interface StatusJson {
  rescues: RescueViewJson[];
  audit: Array<{ at: string; reference: string | null; event: string; detail: string }>;
}

export async function rescueStatus(h: Harness, phone: string, code: string): Promise<StatusJson> {
  const res = await desk(h, 'status', { phone, code });
  expectStatus(res, 200);
  return res.json();
}

/** The handset's side of R2: a B5 backup of its memory with trigger rescue; answers the backup id. */
export function saveMemory(
  h: Harness,
  owner: TestOwner,
  handset: { handsetId: string; credential: string },
  rescueId: string,
): Promise<string> {
  const backup = sealBackup(owner.keys, handset.handsetId, {
    'contacts/all.vcf': [randomChunk(3000)],
    'mail/addresses.txt': [randomChunk(500)],
  });
  return runBackup(h, handset.credential, backup, { kinds: ['contacts', 'media'], trigger: 'rescue', rescueId });
}
