/**
 * V12 at the safe (docs/design/safes.md "Authentication device"): the
 * challenge for a deposit registered with an authentication device, and the
 * check of the device's answer at release. The answer must verify under the
 * device key in the card-signed record header, for a challenge this safe
 * signed for this deposit within the last 300 s. Every check is counted in
 * one transaction with the deposit's tries (never forgotten; the last wrong
 * one destroys the body), so parallel wrong answers cannot spend more.
 */
import { DepositHeader, PhoneSafeError, type Clock, type DeviceAnswer, type DeviceChallenge } from '@phonesafe/protocol';
import { answerVerifies, checkChallenge, deviceIdOf, fromB64url, makeChallenge, type SigningKey } from '@phonesafe/protocol/node';
import type { UnitOfWork } from '@phonesafe/server-kit';
import type { DepositRow } from './deposit-queries.ts';
import type { DepositTx } from './deposit-service.ts';

const WINDOW_MS = 300_000;

export interface DeviceGateDeps {
  keys: { safeId: string; sign: SigningKey };
  work: UnitOfWork<DepositTx>;
  clock: Clock;
  maxTries: number;
}

/** The device public key registered with the deposit, if any. */
export function deviceOf(row: Pick<DepositRow, 'header'>): Buffer | undefined {
  const header = DepositHeader.parse(JSON.parse(fromB64url(row.header).toString('utf8')));
  return header.device === undefined ? undefined : fromB64url(header.device);
}

export function challengeFor(deps: DeviceGateDeps, row: DepositRow): DeviceChallenge {
  const device = deviceOf(row);
  if (!device) throw new PhoneSafeError('BAD_REQUEST', 'this deposit was registered without an authentication device');
  const input = { safe: deps.keys.safeId, serial: row.serial, hash: row.hash, device: deviceIdOf(device) };
  return makeChallenge(deps.keys.sign, input, deps.clock.now());
}

/** Checks and counts the device's answer for a device-registered deposit; throws SAFE_DEVICE_MISMATCH / SAFE_ESCROW_DESTROYED. */
export async function checkDevice(deps: DeviceGateDeps, row: DepositRow, device: Buffer, given: DeviceAnswer | undefined): Promise<void> {
  const right = given !== undefined && answerIsRight(deps, row, device, given);
  const now = deps.clock.now();
  const left = await deps.work(async (tx) => {
    const tries = await tx.deposits.countDeviceTry(row.id, right, deps.maxTries, now.toISOString());
    if (!right && tries > 0)
      await tx.audit.record(now, 'wrong-try', row.serial, row.owner_ref, `device answer wrong or missing; ${tries} left`);
    if (!right && tries === 0) await tx.audit.record(now, 'destroy', row.serial, row.owner_ref, 'device tries exhausted');
    return tries;
  });
  if (left === 0) throw new PhoneSafeError('SAFE_ESCROW_DESTROYED', 'too many wrong device answers: the safe destroyed this deposit');
  if (!right) {
    throw new PhoneSafeError('SAFE_DEVICE_MISMATCH', `no answer of the registered device; ${left} tries left`, { triesLeft: left });
  }
}

function answerIsRight(deps: DeviceGateDeps, row: DepositRow, device: Buffer, given: DeviceAnswer): boolean {
  let body;
  try {
    body = checkChallenge(deps.keys.sign.publicRaw, given.challenge);
  } catch {
    return false;
  }
  const fresh = Math.abs(deps.clock.now().getTime() - Date.parse(body.at)) <= WINDOW_MS;
  const ours = body.safe === deps.keys.safeId && body.serial === row.serial && body.hash === row.hash && body.device === deviceIdOf(device);
  return fresh && ours && answerVerifies(device, given.challenge, given.answer);
}
